"""Intent search over service items: ``build_search_index(session).search("驾照快到期了")``."""

from cityservices.service_map.search.engine import SearchIndex, build_search_index
from cityservices.service_map.search.normalize import InvalidQuery
from cityservices.service_map.search.schemas import SearchRead

__all__ = ["InvalidQuery", "SearchIndex", "SearchRead", "build_search_index"]
