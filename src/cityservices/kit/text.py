"""Text rules shared by every domain's parameters."""

from __future__ import annotations

# No control characters (a NUL cannot even be sent to PostgreSQL): a field-level 422 instead of a database error.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


# --- CSV cells that spreadsheets would run as formulas ----------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a value starting with ``= + - @``, a tab or a carriage return
    (``=HYPERLINK(…)``) gets a leading ``'``, as does a value already starting with ``'`` so that
    ``from_spreadsheet_safe`` gives back exactly what was written."""
    if value.startswith((*FORMULA_TRIGGERS, "'")):
        return "'" + value
    return value


def from_spreadsheet_safe(value: str) -> str:
    """The value ``spreadsheet_safe`` was given (cells it did not change come back unchanged)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith((*FORMULA_TRIGGERS, "'")):
        return value[1:]
    return value
