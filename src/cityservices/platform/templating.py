"""The Jinja2 environment shared by every page (autoescaping on)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from cityservices.platform.origin import relative_url_for

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
STATIC_DIR = Path(__file__).parents[1] / "static"

templates = Jinja2Templates(directory=TEMPLATE_DIR)
templates.env.globals["url_for"] = relative_url_for  # never an absolute URL from the client's Host header
