"""The Jinja2 environment shared by every page (autoescaping on)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
STATIC_DIR = Path(__file__).parents[1] / "static"

templates = Jinja2Templates(directory=TEMPLATE_DIR)
