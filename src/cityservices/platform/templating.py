"""The Jinja2 environment shared by every page (autoescaping on)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
STATIC_DIR = Path(__file__).parents[1] / "static"
LEVEL_NAMES = {"city": "市级", "district": "区(市)级", "street": "街道(镇)级"}

templates = Jinja2Templates(directory=TEMPLATE_DIR)
templates.env.globals["LEVEL_NAMES"] = LEVEL_NAMES
