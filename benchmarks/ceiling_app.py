"""The framework's ceiling for benchmarks/load_api.py: a trivial FastAPI endpoint returning a 10-item JSON list,
served the same way as the real app (``cityservices serve``'s uvicorn options and HTTP protocol)."""

from __future__ import annotations

from fastapi import FastAPI

ITEMS = [{"id": i, "name": f"item {i}"} for i in range(10)]


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/ceiling")
    def ceiling() -> list[dict[str, object]]:
        return ITEMS

    return app
