"""An HR system against a running server: enrol a company of fictional employees (演示数据) by one batch, remove
some by another, and print what happened.

Usage (the app's HMAC key as issued by staff; the client package on the path):
    PYTHONPATH=clients/python/src .venv/bin/python scripts/hr_simulator.py https://127.0.0.1:8000 \
        --app-id app0123456789abcdef --serial 0001 --profile HMAC-SM3 --secret '...' [--size 500] [--remove 50]
"""

from __future__ import annotations

import argparse
import json

from cityservices_open import HmacCredentials, OpenClient
from cityservices_open.simulator import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--serial", required=True)
    parser.add_argument("--profile", default="HMAC-SM3", choices=("HMAC-SM3", "HMAC-SHA256"))
    parser.add_argument("--secret", required=True)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--remove", type=int, default=50)
    parser.add_argument("--first-serial", type=int, default=0, help="vary to enrol a different company")
    args = parser.parse_args()
    client = OpenClient(args.base_url, HmacCredentials(args.app_id, args.serial, args.profile, args.secret))
    report = simulate(client, size=args.size, remove=args.remove, first_serial=args.first_serial)
    print(json.dumps(report.__dict__, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
