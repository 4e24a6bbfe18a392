"""Serving concerns shared by every domain: runtime, lifecycle, security, caching, indexes, metrics. Knows no domain."""
