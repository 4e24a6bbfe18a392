"""Intent search over service items: ``build_search_index(session).search("驾照快到期了")``.

The names below are imported on first use (PEP 562), so that importing a submodule such as ``search.cli`` does
not load the engine, the pinyin tables and the models."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cityservices.service_map.search.engine import SearchIndex, build_search_index
    from cityservices.service_map.search.normalize import InvalidQuery
    from cityservices.service_map.search.schemas import SearchRead

__all__ = ["InvalidQuery", "SearchIndex", "SearchRead", "build_search_index"]

_HOMES = {
    "SearchIndex": "engine",
    "build_search_index": "engine",
    "InvalidQuery": "normalize",
    "SearchRead": "schemas",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
