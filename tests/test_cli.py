"""The command line on a fresh database: the demo dataset, stats, export, import. Commands run in-process, without
paying a new interpreter's imports each time: ``invoke_cli`` through Typer's runner, ``run_cli_in_process`` through
the ``main`` entry point (its exit code 2 and message for expected errors) with the answer shaped like a finished
process's. ``run_cli`` starts a real ``python -m cityservices`` process: kept for what only a process shows (the
module entry point, start-up, serving, signals)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cityservices.cli import app, main
from cityservices.config import get_settings
from cityservices.service_map.interchange.native import write_dataset
from tests.builders import make_dataset


def run_cli(db_url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITYSERVICES_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "cityservices", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


def run_cli_in_process(
    db_url: str, *args: str, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m cityservices ARGS`` on ``db_url``, run by the same ``main`` in this process: its exit code,
    standard output and standard error (an unexpected exception's traceback on standard error, exit code 1, as
    the interpreter would); ``input`` is what it reads on standard input."""
    argv = ["cityservices", *args]
    before_argv, before_cwd = sys.argv, Path.cwd()
    code: int
    with _database(db_url), CliRunner().isolation(input=input) as (out, err, _):
        sys.argv = argv
        if cwd is not None:
            os.chdir(cwd)
        try:
            main()
            code = 0
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except Exception:
            traceback.print_exc()
            code = 1
        finally:
            sys.argv = before_argv
            os.chdir(before_cwd)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return subprocess.CompletedProcess(argv, code, stdout, stderr)


@contextmanager
def _database(db_url: str) -> Iterator[None]:
    """The settings of this process point at ``db_url`` for the duration."""
    before = os.environ.get("CITYSERVICES_DATABASE_URL")
    os.environ["CITYSERVICES_DATABASE_URL"] = db_url
    get_settings.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CITYSERVICES_DATABASE_URL", None)
        else:
            os.environ["CITYSERVICES_DATABASE_URL"] = before
        get_settings.cache_clear()


def invoke_cli(db_url: str, *args: str) -> Result:
    """``cityservices ARGS`` in this process, on ``db_url``."""
    with _database(db_url):
        return CliRunner().invoke(app, list(args))


def test_import_stats_export_round_trip(fresh_db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    write_dataset(make_dataset(), source, name="t", created="2026-11-29")
    result = invoke_cli(fresh_db_url, "import", str(source))
    assert result.exit_code == 0, result.output

    stats = json.loads(invoke_cli(fresh_db_url, "stats", "--json").stdout)
    assert stats["venues"]["by_level"] == {"street": 1}
    assert stats["venue_items"] == 2
    assert stats["venues_with_all_attributes"] == 1

    out = tmp_path / "out"
    assert invoke_cli(fresh_db_url, "export", str(out)).exit_code == 0
    for name in ("venues.jsonl", "items.csv", "guides.jsonl", "bundles.jsonl", "pois.csv"):
        assert (out / name).read_text(encoding="utf-8") == (source / name).read_text(encoding="utf-8"), name


def test_bad_input_gives_a_clear_message_not_a_traceback(fresh_db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "in"
    write_dataset(make_dataset(), source, name="t", created="2026-11-29")
    (source / "venues.jsonl").write_text('{"id": "V1", "lat": 95}\n', encoding="utf-8")
    result = run_cli(fresh_db_url, "import", str(source))
    assert result.returncode == 2
    assert "venues.jsonl:1" in result.stderr
    assert "Traceback" not in result.stderr
    stats = json.loads(run_cli_in_process(fresh_db_url, "stats", "--json").stdout)
    assert stats["venues"]["total"] == 0


def test_unknown_format_is_refused(fresh_db_url: str, tmp_path: Path) -> None:
    result = invoke_cli(fresh_db_url, "export", str(tmp_path / "x"), "--format", "xml")
    assert result.exit_code == 2
    assert "未知的格式" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_load_demo_dataset(fresh_db_url: str) -> None:
    result = invoke_cli(fresh_db_url, "load-demo")
    assert result.exit_code == 0, result.output
    stats = json.loads(invoke_cli(fresh_db_url, "stats", "--json").stdout)
    assert stats["venues"]["total"] >= 150
    assert stats["venues_with_all_attributes"] == stats["venues"]["total"]
    assert stats["venue_items"] >= 22000
    assert stats["items_without_guide"] == 0
