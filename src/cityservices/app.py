"""create_app(settings) -> FastAPI: routers, static files, error handlers."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException as StarletteHTTPException

from cityservices import __version__
from cityservices.config import Settings, get_settings
from cityservices.deps import staff_session_is_live
from cityservices.errors import AppError, RequestInvalid, zh_message
from cityservices.kit.masking import install_log_masking
from cityservices.platform.compression import GzipMiddleware
from cityservices.platform.domains import load_domains
from cityservices.platform.fast_path import FastPathMiddleware, fast_paths
from cityservices.platform.http_cache import GZIP_LEVEL, GZIP_MIN_BYTES, HttpCacheMiddleware, ResponseCache
from cityservices.platform.lifecycle import Readiness, lifespan, register_topics
from cityservices.platform.lifecycle import router as readiness_router
from cityservices.platform.limits import RequestLimitMiddleware
from cityservices.platform.metrics import router as metrics_router
from cityservices.platform.observability import ObservabilityMiddleware
from cityservices.platform.openapi import install_docs, install_openapi
from cityservices.platform.runtime import make_runtime
from cityservices.platform.security import SESSION_COOKIE, install_security
from cityservices.platform.templating import STATIC_DIR, templates

# FastAPI's own OpenTelemetry instrumentation, off: nothing here configures OpenTelemetry, and with it on every
# request asks the global providers whether they are configured (docs/benchmarks.md, "Per-request layers").
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application: pages at /, JSON at /api/v1."""
    settings = settings or get_settings()
    app = FastAPI(
        title="cityservices", version=__version__, docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
        lifespan=lifespan,  # per worker: event relay, index warm-up (cityservices.platform.lifecycle)
        telemetry=NO_TELEMETRY,  # requests are observed by platform.observability (access log, Prometheus)
    )  # fmt: skip
    app.state.runtime = make_runtime(settings)
    app.state.domains = load_domains(settings.domains)
    app.state.readiness = Readiness(app.state.domains.indexes)
    register_topics(app.state.domains.topics)
    app.state.answer_cache = ResponseCache(settings.api_cache_entries)  # routes declared ``cacheable`` only
    # Innermost: the public read routes' usual requests answered without the router (domains add theirs).
    app.add_middleware(FastPathMiddleware, paths=fast_paths(app))
    app.add_middleware(HttpCacheMiddleware, cache=app.state.answer_cache)  # innermost: after security
    install_security(app, settings, app.state.domains)
    app.add_middleware(  # before anything reads a body: sizes counted as received, staff writes signed in first
        RequestLimitMiddleware, settings=settings, staff_prefixes=app.state.domains.staff_prefixes,
        login_paths=app.state.security.login_paths, session_cookie=SESSION_COOKIE, check_session=staff_session_is_live,
    )  # fmt: skip
    app.add_middleware(  # pages, JSON, static JS/CSS and the boundaries; kept answers come compressed already
        GzipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL
    )
    app.add_middleware(  # outermost: request id, access log and metrics see every answer as sent
        ObservabilityMiddleware, log_requests=settings.access_log, count_requests=settings.metrics_enabled
    )
    install_log_masking()
    demo_photos = settings.demo_data_dir / "photos"
    if demo_photos.is_dir():  # mounted before /static, which would otherwise shadow it
        app.mount("/static/demo-photos", StaticFiles(directory=demo_photos), name="demo-photos")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for domain in app.state.domains:
        for router in domain.routers():
            app.include_router(router)
        if domain.install_app is not None:
            domain.install_app(app, settings)
    app.include_router(readiness_router)
    if settings.metrics_enabled:
        app.include_router(metrics_router)
    install_openapi(app)
    install_docs(app)  # /api/docs with the vendored Swagger UI
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]

    @app.get("/api/v1/health", tags=["ops"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


async def _app_error(request: Request, exc: AppError) -> Response:
    retry_after = getattr(exc, "retry_after", None)
    return _render(request, exc, headers={"Retry-After": str(retry_after)} if retry_after is not None else None)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's own payload validation: the same answer as a ``RequestInvalid`` raised by a service."""
    fields = [(".".join(str(p) for p in err["loc"][1:]), zh_message(err)) for err in exc.errors()]
    return _render(request, RequestInvalid.of(fields))


HTTP_ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "timeout",
                    413: "too_large"}  # fmt: skip


FASTAPI_UNREADABLE_BODY = "There was an error parsing the body"
UNREADABLE_BODY = "请求体无法解析：不是有效的 JSON 或表单，或嵌套层数过多"


class _HttpError(AppError):
    """Starlette's HTTP errors (unknown path, method not allowed, unreadable body), rendered like the others."""

    def __init__(self, exc: StarletteHTTPException) -> None:
        detail = UNREADABLE_BODY if exc.detail == FASTAPI_UNREADABLE_BODY else str(exc.detail)
        super().__init__("未找到该页面或资源" if exc.status_code == 404 else detail)
        self.status_code = exc.status_code
        self.code = HTTP_ERROR_CODES.get(exc.status_code, "http_error")


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return _render(request, _HttpError(exc), headers=exc.headers)


def _render(request: Request, exc: AppError, *, headers: Mapping[str, str] | None = None) -> Response:
    """The one rendering of an expected error: its JSON body under /api, else the HTML error page."""
    if _wants_json(request):
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)
    context = {"status": exc.status_code, "detail": exc.page_text()}
    return templates.TemplateResponse(request, "error.html", context, status_code=exc.status_code, headers=headers)
