"""Every CLI command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from cityservices.cli import app
from cityservices.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_group(app)
    for name in group.commands:
        assert f"`{name}" in text, name


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{name}`" in text, name
        assert f"`CITYSERVICES_{name.upper()}`" in text, name
