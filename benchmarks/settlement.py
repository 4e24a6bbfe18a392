"""Settlement engine speed: settlements per second on one core for a 30-line inpatient claim, in-process.

Usage: .venv/bin/python benchmarks/settlement.py [--seconds S] [--repeat N]
The claim mixes 甲 / 乙 / 丙 lines, price limits and items with their own pre-self-pay ratio; the member is a
retired employee at a level-3 hospital whose pooled-fund cap is almost used (so that the large-amount layer runs)
and who is a civil servant and a medical-assistance beneficiary (every layer of the waterfall, with the trace).
Prints the median rate of N runs. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from decimal import Decimal

from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.service import BUNDLED_RULES, read_rule_file
from cityservices.insurance.settlement.claims import Claim, ClaimLine, Counters, MemberFacts
from cityservices.insurance.settlement.engine import settle_claim
from cityservices.kit.money import Money, Ratio


def thirty_line_claim() -> Claim:
    lines = []
    for i in range(30):
        lv = ("01", "02", "03")[i % 3]
        lines.append(
            ClaimLine(
                code=f"XA01ABD075A0020101{i:05d}",
                name=f"项目{i}",
                chrgitm_lv=lv,  # type: ignore[arg-type]
                unit_price=Money(Decimal(1000 + 137 * i) / 10),
                quantity=Decimal(1 + i % 4),
                price_limit=Money(Decimal(1000 + 120 * i) / 10) if i % 2 else None,
                selfpay_prop=Ratio("0.2") if i % 5 == 1 else None,
            )
        )
    return Claim(setl_date=dt.date(2026, 6, 1), med_type="21", hosp_lv="3", lines=tuple(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    parsed = read_rule_file(BUNDLED_RULES)
    book = RuleBook.of(parsed.rules, version=parsed.version)
    claim = thirty_line_claim()
    member = MemberFacts(
        psn_no="B1", psn_type="1202", insutype="310", account_balance=Money("800"), civil_servant=True, assistance=True
    )
    counters = Counters(year=2026, admissions=1, hifp_paid=Money("299000"))
    first = settle_claim(claim, member, counters, book)
    print(
        f"claim: {len(claim.lines)} lines, {first.medfee_sumamt.yuan()}; "
        f"funds {[d.fund_pay_type for d in first.setldetail]}"
    )
    rates, cpu_rates = [], []
    for _ in range(args.repeat):
        count, start, cpu_start = 0, time.perf_counter(), time.process_time()
        while (elapsed := time.perf_counter() - start) < args.seconds:
            for _ in range(100):
                settle_claim(claim, member, counters, book)
            count += 100
        rates.append(count / elapsed)
        cpu_rates.append(count / (time.process_time() - cpu_start))
    trace_start = time.process_time()
    for _ in range(200):
        _ = first.trace
    trace_us = (time.process_time() - trace_start) / 200 * 1e6
    print(f"python {platform.python_version()} on {platform.machine()}, load average {os.getloadavg()[0]:.1f}")
    print(
        f"settlements/s (30-line inpatient claim, one process): wall-clock median {statistics.median(rates):,.0f} "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f}); per CPU-second median {statistics.median(cpu_rates):,.0f} "
        f"({args.repeat} runs of {args.seconds:.0f} s)"
    )
    print(
        f"per settlement: {1e6 / statistics.median(cpu_rates):,.0f} µs CPU; "
        f"rendering its {len(first.trace)}-step trace: {trace_us:,.0f} µs"
    )


if __name__ == "__main__":
    main()
