"""Text rules shared by every domain's parameters."""

from __future__ import annotations

# No control characters (a NUL cannot even be sent to PostgreSQL): a field-level 422 instead of a database error.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
