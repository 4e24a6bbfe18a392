"""The Jinja2 environment shared by every page (autoescaping on)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.templating import Jinja2Templates

from cityservices.platform.origin import relative_url_for

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
STATIC_DIR = Path(__file__).parents[1] / "static"

templates = Jinja2Templates(directory=TEMPLATE_DIR)
templates.env.globals["url_for"] = relative_url_for  # never an absolute URL from the client's Host header

BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing_time(moment: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (UTC; a naive value read back from SQLite is UTC too) as Beijing time."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).strftime(pattern)


templates.env.filters["beijing_time"] = beijing_time
