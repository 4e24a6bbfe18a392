"""The command line starts without loading what only its commands need: declaring every command (``--help``)
imports no database layer, web framework, search engine or pinyin tables. Speed itself is a benchmark
(benchmarks/startup.py), not asserted here."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "pypinyin", "jieba", "bm25s", "numpy", "scipy",
    "shapely", "rustworkx", "osmium", "argon2", "PIL", "cityservices.db", "cityservices.app",
    "cityservices.service_map.search.engine", "cityservices.service_map.catalogue.models",
)  # fmt: skip

PROBE = """
import json, sys
from typer.main import get_command
from cityservices.cli import app
group = get_command(app)
for args in [["--help"], *([name, "--help"] for name in sorted(group.commands))]:  # every help page is built
    group.main(args, prog_name="cityservices", standalone_mode=False)
print("\\n" + json.dumps({"commands": sorted(group.commands), "modules": sorted(sys.modules)}))
"""


def test_declaring_every_command_imports_nothing_heavy() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    assert "cityservices search [OPTIONS]" in result.stdout
    probe = json.loads(result.stdout.splitlines()[-1])
    assert {"init-db", "serve", "search", "import", "nearest", "create-admin", "backup"} <= set(probe["commands"])
    loaded = set(probe["modules"])
    assert [name for name in HEAVY if name in loaded] == []


def test_a_command_still_loads_what_it_needs() -> None:
    probe = "import sys; from cityservices.service_map.interchange.formats import get_format\n"
    probe += "get_format('hsds').read; import cityservices.service_map.search as s; s.SearchIndex\n"
    probe += "print('cityservices.service_map.search.engine' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "True"
