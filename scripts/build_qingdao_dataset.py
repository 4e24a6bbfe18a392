"""Build the bundled Qingdao demo dataset into data/qingdao/ (see data/qingdao/PROVENANCE.md).

Usage: .venv/bin/python scripts/build_qingdao_dataset.py [--sources DIR] [--out DIR] [--check] [--force]

Deterministic: a fixed seed and sorted output, so two runs produce byte-identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.qingdao_dataset.build import main

if __name__ == "__main__":
    raise SystemExit(main())
