"""The settlement engine: claim lines + member + rules + annual counters → the settlement, explained.

A pure function over Money / Ratio (no I/O). Per line: 全自费 (丙类, outside the catalogue), 超限价自费 (above the
price limit), 先行自付 (the 乙类 share the member pays first), 符合政策范围 (the rest). Then the waterfall over the
policy-scope amount: deductible → pooled fund at its ratio → annual cap → large-amount / serious-illness layer →
civil-servant subsidy → medical assistance; the member's share is paid from the personal account, then cash.
Every step cites the rule rows it used (``TraceStep.rule_ids``; example parameters are marked in the text).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cityservices.insurance.rules.book import RuleBook, RuleMissing
from cityservices.insurance.rules.schemas import (
    AnnualCapRule,
    DeductibleRule,
    ElsewhereReductionRule,
    LayerRatioRule,
    MaternityFeeRule,
    PoolRatioRule,
    PreSelfPayRule,
    RuleBase,
)
from cityservices.insurance.settlement.claims import (
    ZERO,
    Claim,
    ClaimInvalid,
    ClaimLine,
    Counters,
    FundDetail,
    LineResult,
    MemberFacts,
    Settlement,
    TraceStep,
)
from cityservices.insurance.vocabulary import (
    ELSEWHERE_ZH,
    HOSP_LV_ZH,
    MED_KIND_ZH,
    MED_TYPE_ZH,
    PSN_GROUP_ZH,
    FundPayType,
    med_kind,
    psn_group,
)
from cityservices.kit.money import Money, Ratio, money_max, money_min

FUNDS: dict[str, tuple[FundPayType, FundPayType]] = {"310": ("310100", "330100"), "390": ("390100", "390200")}
MATERNITY_MED_TYPES = frozenset({"51", "52", "53"})
SETTLED_MED_TYPES = frozenset({"11", "13", "14", "21", "24"}) | MATERNITY_MED_TYPES
NO_RATIO = Ratio(0)


@dataclass
class _Run:
    """Working state of one settlement: the rules consulted and the explanation so far."""

    book: RuleBook
    claim: Claim
    used: dict[str, RuleBase] = field(default_factory=dict)
    trace: list[TraceStep] = field(default_factory=list)

    def rule(self, kind: type[RuleBase], key: tuple[str, ...]) -> RuleBase:
        row = self.book.get(kind, key, self.claim.setl_date)
        self.used[row.id] = row
        return row

    def say(self, step: str, text: str, *rows: RuleBase) -> None:
        cited = "；".join(row.citation() for row in rows)
        self.trace.append(TraceStep(step, f"{text}（{cited}）" if cited else text, tuple(r.id for r in rows)))


def settle_claim(claim: Claim, member: MemberFacts, counters: Counters, book: RuleBook) -> Settlement:
    """Settle one claim against the member's counters of the claim's year; raise ``ClaimInvalid`` on bad input."""
    _check(claim, member, counters)
    run = _Run(book, claim)
    try:
        if claim.med_type in MATERNITY_MED_TYPES:
            return _settle_maternity(run, member, counters)
        return _settle(run, member, counters)
    except RuleMissing as exc:
        raise ClaimInvalid("rules", str(exc)) from None


def _check(claim: Claim, member: MemberFacts, counters: Counters) -> None:
    if member.insutype not in FUNDS:
        raise ClaimInvalid("insutype", f"暂只结算职工基本医保(310)和居民基本医保(390)，不是 {member.insutype}")
    if claim.med_type not in SETTLED_MED_TYPES:
        raise ClaimInvalid("med_type", f"暂不支持该医疗类别的结算: {claim.med_type}")
    if counters.year != claim.setl_date.year:
        raise ClaimInvalid("counters.year", f"累计数据年度 {counters.year} 与结算日期不符")
    if not claim.lines:
        raise ClaimInvalid("lines", "没有费用明细")
    if member.account_balance.is_negative:
        raise ClaimInvalid("account_balance", "个人账户余额不能为负数")
    for index, line in enumerate(claim.lines):
        if line.quantity <= 0:
            raise ClaimInvalid(f"lines[{index}].quantity", "数量必须大于 0")
        if line.unit_price.is_negative:
            raise ClaimInvalid(f"lines[{index}].unit_price", "单价不能为负数")
        if line.price_limit is not None and line.price_limit.is_negative:
            raise ClaimInvalid(f"lines[{index}].price_limit", "限价不能为负数")


def _classify(run: _Run, member: MemberFacts, line: ClaimLine) -> LineResult:
    """One line's split; its sentence in the trace is rendered from the result (``claims.describe_line``)."""
    amount = line.amount
    if line.chrgitm_lv == "03":
        return LineResult(line.code, line.name, "03", amount, amount, ZERO, ZERO, ZERO, Ratio(1))
    over = ZERO
    if line.price_limit is not None and line.unit_price > line.price_limit:
        over = money_min(amount, Money((line.unit_price.amount - line.price_limit.amount) * line.quantity))
    allowed = amount - over
    ratio, rule_id, citation = NO_RATIO, None, ""
    if line.chrgitm_lv == "02":
        if line.selfpay_prop is not None:
            ratio = line.selfpay_prop
        else:
            row = run.rule(PreSelfPayRule, (member.insutype, "02"))
            assert isinstance(row, PreSelfPayRule)
            ratio, rule_id, citation = row.ratio, row.id, row.citation()
    pre = allowed * ratio
    return LineResult(
        line.code,
        line.name,
        line.chrgitm_lv,
        amount,
        ZERO,
        over,
        pre,
        allowed - pre,
        ratio,
        price_limit=line.price_limit if over else None,
        rule_id=rule_id,
        citation=citation,
    )


def _deductible(run: _Run, member: MemberFacts, counters: Counters, inscp: Money) -> tuple[Money, Counters]:
    claim = run.claim
    kind = med_kind(claim.med_type)
    number = counters.admissions + 1 if kind == "inpatient" else 1
    row: DeductibleRule | None = None
    for nth in range(number, 0, -1):
        row = run.book.find(DeductibleRule, (member.insutype, kind, claim.hosp_lv, str(nth)), claim.setl_date)
        if row is not None:
            break
    if row is None:
        raise RuleMissing(DeductibleRule.label, (member.insutype, kind, claim.hosp_lv, str(number)), claim.setl_date)
    run.used[row.id] = row
    level = HOSP_LV_ZH[claim.hosp_lv]
    if row.per == "admission":
        remaining = row.amount
        what = f"{level}医院本年度第{number}次住院起付标准 {row.amount.yuan()}"
    else:
        used = counters.dedc_year_outpatient if kind == "outpatient" else counters.dedc_year_inpatient
        remaining = money_max(ZERO, row.amount - used)
        what = f"{MED_KIND_ZH[kind]}年度起付标准 {row.amount.yuan()}，本年已负担 {used.yuan()}，尚余 {remaining.yuan()}"
    dedc = money_min(inscp, remaining)
    run.say("deductible", f"起付线：{what}；本次由个人负担 {dedc.yuan()}", row)
    delta = Counters(year=counters.year, admissions=1 if kind == "inpatient" else 0)
    if row.per == "year":
        if kind == "outpatient":
            delta = replace(delta, dedc_year_outpatient=dedc)
        else:
            delta = replace(delta, dedc_year_inpatient=dedc)
    return dedc, delta


def _pool_ratio(run: _Run, member: MemberFacts) -> Ratio:
    claim = run.claim
    kind, group = med_kind(claim.med_type), psn_group(member.psn_type)
    row = run.rule(PoolRatioRule, (member.insutype, kind, group, claim.hosp_lv))
    assert isinstance(row, PoolRatioRule)
    ratio = row.ratio
    run.say(
        "ratio",
        f"统筹基金支付比例：{PSN_GROUP_ZH[group]}人员在{HOSP_LV_ZH[claim.hosp_lv]}医院"
        f"{MED_KIND_ZH[kind]} {ratio.percent()}",
        row,
    )
    if claim.elsewhere is None:
        return ratio
    local = run.rule(ElsewhereReductionRule, (claim.elsewhere, "local"))
    cap = run.rule(ElsewhereReductionRule, (claim.elsewhere, "national_cap"))
    assert isinstance(local, ElsewhereReductionRule)
    assert isinstance(cap, ElsewhereReductionRule)
    points = local.points if not cap.points < local.points else cap.points
    reduced = ratio.reduced_by_points(points)
    run.say(
        "elsewhere",
        f"{ELSEWHERE_ZH[claim.elsewhere]}：支付比例降低 {points.percent()}"
        f"（国家规定降幅不超过 {cap.points.percent()}），按 {reduced.percent()} 支付",
        local,
        cap,
    )
    return reduced


def _capped(run: _Run, fund: FundPayType, paid: Money) -> tuple[Money, AnnualCapRule]:
    row = run.rule(AnnualCapRule, (fund,))
    assert isinstance(row, AnnualCapRule)
    return money_max(ZERO, row.amount - paid), row


def _layer_ratio(run: _Run, fund: FundPayType) -> LayerRatioRule:
    row = run.rule(LayerRatioRule, (fund,))
    assert isinstance(row, LayerRatioRule)
    return row


def _scope(run: _Run, member: MemberFacts) -> tuple[tuple[LineResult, ...], Money, Money, Money, Money, Money]:
    """Every line split (全自费, 超限价, 先行自付, 政策范围) and the claim's totals of each part, said in the trace."""
    claim = run.claim
    run.say("claim", f"{MED_TYPE_ZH[claim.med_type]}，{HOSP_LV_ZH[claim.hosp_lv]}医院，共 {len(claim.lines)} 项费用")
    lines = tuple(_classify(run, member, line) for line in claim.lines)
    medfee = Money.sum(r.det_item_fee_sumamt for r in lines)
    fulamt = Money.sum(r.fulamt_ownpay_amt for r in lines)
    overlmt = Money.sum(r.overlmt_selfpay for r in lines)
    pre = Money.sum(r.preselfpay_amt for r in lines)
    inscp = Money.sum(r.inscp_scp_amt for r in lines)
    run.say(
        "scope",
        f"费用合计 {medfee.yuan()}：全自费 {fulamt.yuan()}，超限价自费 {overlmt.yuan()}，"
        f"乙类先行自付 {pre.yuan()}，符合政策范围 {inscp.yuan()}",
    )
    return lines, medfee, fulamt, overlmt, pre, inscp


def _settle(run: _Run, member: MemberFacts, counters: Counters) -> Settlement:
    lines, medfee, fulamt, overlmt, pre, inscp = _scope(run, member)
    dedc, delta = _deductible(run, member, counters, inscp)
    eligible = inscp - dedc
    ratio = _pool_ratio(run, member)
    pool_fund, layer_fund = FUNDS[member.insutype]
    hifp_raw = eligible * ratio
    room, cap_row = _capped(run, pool_fund, counters.hifp_paid)
    hifp = money_min(hifp_raw, room)
    note = f"，达到年度最高支付限额（本年尚可支付 {room.yuan()}）" if hifp < hifp_raw else ""
    run.say(
        "pool",
        f"统筹基金：({inscp.yuan()} − 起付线 {dedc.yuan()}) × {ratio.percent()} = {hifp_raw.yuan()}{note}，"
        f"支付 {hifp.yuan()}",
        cap_row,
    )
    details = [FundDetail(pool_fund, eligible, room, hifp, run.trace[-1].text)]

    layer, cvl, maf = _supplements(
        run, member, counters, details, eligible=eligible, ratio=ratio, hifp=hifp, hifp_raw=hifp_raw, inscp=inscp
    )
    fund_sum = hifp + layer + cvl + maf
    psn_part, acct, cash, balance = _member_share(run, member, medfee, fund_sum)
    delta = replace(delta, hifp_paid=hifp, layer_paid=layer, cvlserv_paid=cvl, maf_paid=maf)
    return Settlement(
        medfee_sumamt=medfee,
        fulamt_ownpay_amt=fulamt,
        overlmt_selfpay=overlmt,
        preselfpay_amt=pre,
        inscp_scp_amt=inscp,
        act_pay_dedc=dedc,
        hifp_pay=hifp,
        pool_prop_selfpay=ratio,
        cvlserv_pay=cvl,
        hifmi_pay=layer if layer_fund == "390200" else ZERO,
        hifob_pay=layer if layer_fund == "330100" else ZERO,
        maf_pay=maf,
        fund_pay_sumamt=fund_sum,
        psn_part_amt=psn_part,
        acct_pay=acct,
        psn_cash_pay=cash,
        balc=balance,
        lines=lines,
        setldetail=tuple(details),
        steps=tuple(run.trace),
        delta=delta,
        rules_version=run.book.version,
        example_parameters=any(not row.verified for row in run.used.values()),
        rule_ids=tuple(run.used),
    )


def settled_insutype(med_type: str, insutype: str) -> str:
    """The insurance a settlement is booked under: maternity cases of employees are the maternity fund's (510)."""
    return "510" if med_type in MATERNITY_MED_TYPES and insutype == "310" else insutype


def _member_share(run: _Run, member: MemberFacts, medfee: Money, fund_sum: Money) -> tuple[Money, Money, Money, Money]:
    """The member's part, paid from the personal account (employees, when asked) and then in cash."""
    psn_part = medfee - fund_sum
    acct = ZERO
    if run.claim.use_account and member.insutype == "310":
        acct = money_min(member.account_balance, psn_part)
    cash = psn_part - acct
    balance = member.account_balance - acct
    run.say(
        "member",
        f"基金合计支付 {fund_sum.yuan()}；个人负担 {psn_part.yuan()}：个人账户支付 {acct.yuan()}，"
        f"现金支付 {cash.yuan()}；账户余额 {balance.yuan()}",
    )
    return psn_part, acct, cash, balance


def _settle_maternity(run: _Run, member: MemberFacts, counters: Counters) -> Settlement:
    """生育门诊 / 生育住院 / 计划生育手术: lines split as usual, then one fund pays its ratio of the policy-scope
    fees above the case deductible, up to the per-case limit; the basic insurance's annual counters are untouched."""
    claim = run.claim
    lines, medfee, fulamt, overlmt, pre, inscp = _scope(run, member)
    row = run.rule(MaternityFeeRule, (member.insutype, claim.med_type, claim.hosp_lv))
    assert isinstance(row, MaternityFeeRule)
    dedc = money_min(inscp, row.deductible)
    if row.deductible:
        run.say(
            "deductible",
            f"起付线：{MED_TYPE_ZH[claim.med_type]}起付标准 {row.deductible.yuan()}，本次由个人负担 {dedc.yuan()}",
            row,
        )
    eligible = inscp - dedc
    raw = eligible * row.ratio
    fund = money_min(raw, row.case_cap)
    note = f"，超过每次最高支付 {row.case_cap.yuan()}" if fund < raw else ""
    fund_name = "生育基金" if row.fund_pay_type == "510100" else "城乡居民基本医疗保险基金"
    run.say(
        "maternity",
        f"{fund_name}：({inscp.yuan()} − 起付线 {dedc.yuan()}) × {row.ratio.percent()} = {raw.yuan()}{note}，"
        f"支付 {fund.yuan()}；生育医疗费用不计入基本医疗保险年度累计",
        row,
    )
    details = (FundDetail(row.fund_pay_type, eligible, row.case_cap, fund, run.trace[-1].text),)
    psn_part, acct, cash, balance = _member_share(run, member, medfee, fund)
    return Settlement(
        medfee_sumamt=medfee,
        fulamt_ownpay_amt=fulamt,
        overlmt_selfpay=overlmt,
        preselfpay_amt=pre,
        inscp_scp_amt=inscp,
        act_pay_dedc=dedc,
        hifp_pay=fund,
        pool_prop_selfpay=row.ratio,
        cvlserv_pay=ZERO,
        hifmi_pay=ZERO,
        hifob_pay=ZERO,
        maf_pay=ZERO,
        fund_pay_sumamt=fund,
        psn_part_amt=psn_part,
        acct_pay=acct,
        psn_cash_pay=cash,
        balc=balance,
        lines=lines,
        setldetail=details,
        steps=tuple(run.trace),
        delta=Counters(year=counters.year),
        rules_version=run.book.version,
        example_parameters=any(not used.verified for used in run.used.values()),
        rule_ids=tuple(run.used),
    )


def _supplements(
    run: _Run,
    member: MemberFacts,
    counters: Counters,
    details: list[FundDetail],
    *,
    eligible: Money,
    ratio: Ratio,
    hifp: Money,
    hifp_raw: Money,
    inscp: Money,
) -> tuple[Money, Money, Money]:
    """The layers after the pooled fund: large-amount / serious illness, civil-servant subsidy, assistance."""
    layer_fund = FUNDS[member.insutype][1]
    layer = ZERO
    if hifp < hifp_raw:
        covered = hifp.divide_by(ratio) if ratio.value else ZERO
        above = money_max(ZERO, eligible - covered)
        layer_row = _layer_ratio(run, layer_fund)
        layer_room, layer_cap = _capped(run, layer_fund, counters.layer_paid)
        layer = money_min(above * layer_row.ratio, layer_room)
        run.say(
            "layer",
            f"{'大额医疗费用补助' if layer_fund == '330100' else '居民大病保险'}：限额以上政策范围内费用 "
            f"{above.yuan()} × {layer_row.ratio.percent()}，支付 {layer.yuan()}",
            layer_row,
            layer_cap,
        )
        details.append(FundDetail(layer_fund, above, layer_room, layer, run.trace[-1].text))

    cvl = ZERO
    if member.civil_servant and member.insutype == "310":
        base = inscp - hifp - layer
        cvl_row = _layer_ratio(run, "320100")
        cvl_room, cvl_cap = _capped(run, "320100", counters.cvlserv_paid)
        cvl = money_min(base * cvl_row.ratio, cvl_room)
        run.say(
            "cvlserv",
            f"公务员医疗补助：政策范围内个人负担 {base.yuan()} × {cvl_row.ratio.percent()}，支付 {cvl.yuan()}",
            cvl_row,
            cvl_cap,
        )
        details.append(FundDetail("320100", base, cvl_room, cvl, run.trace[-1].text))

    maf = ZERO
    if member.assistance:
        base = inscp - hifp - layer - cvl
        maf_row = _layer_ratio(run, "610100")
        maf_room, maf_cap = _capped(run, "610100", counters.maf_paid)
        maf = money_min(base * maf_row.ratio, maf_room)
        run.say(
            "maf",
            f"医疗救助：基金支付后政策范围内个人负担 {base.yuan()} × {maf_row.ratio.percent()}，支付 {maf.yuan()}",
            maf_row,
            maf_cap,
        )
        details.append(FundDetail("610100", base, maf_room, maf, run.trace[-1].text))

    return layer, cvl, maf


def reverse_counters(counters: Counters, settlement: Settlement) -> Counters:
    """The counters with a settlement taken back exactly (冲正)."""
    return counters.apply(settlement.delta, -1)
