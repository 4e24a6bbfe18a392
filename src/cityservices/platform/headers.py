"""Reading a request's headers straight from the ASGI scope, for middlewares on every request's path (no Request
object built)."""

from __future__ import annotations

from starlette.types import Scope


def first_headers(scope: Scope, *names: bytes) -> list[str | None]:
    """The first value of each lower-case header ``names`` (None when absent), in one pass over the raw headers."""
    found: list[str | None] = [None] * len(names)
    for name, value in scope["headers"]:
        if name in names:
            at = names.index(name)
            if found[at] is None:
                found[at] = value.decode("latin-1")
    return found
