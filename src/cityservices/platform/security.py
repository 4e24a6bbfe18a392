"""Security middleware: response headers, CSRF tokens and rate limits, for every page and API route.

- **Headers** on every response: a CSP without ``unsafe-inline`` (``script-src 'self'; style-src 'self'``,
  ``frame-ancestors 'none'``), ``nosniff``, a referrer policy, ``X-Frame-Options``, a permissions policy,
  HSTS over HTTPS, and ``no-store`` on staff pages and the staff API.
- **CSRF**: a token is the HMAC of the staff session cookie (or, before login, of a random ``cs_csrf``
  cookie) under the secret key — a session-bound, signed double-submit token. Every unsafe request to a page
  (any path outside ``/api``) and to ``/api/staff/`` must carry it in the ``X-CSRF-Token`` header or the
  ``csrf_token`` form field; otherwise it is refused with 403. Templates get ``csrf_token(request)``.
- **Rate limits** per client address: logins and the public API (``/api/v1``), answered with 429.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import make_url
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cityservices.config import Settings
from cityservices.kit.ratelimit import RateLimiter, make_rate_limiter
from cityservices.platform.domains import Domains
from cityservices.platform.templating import templates

SESSION_COOKIE = "cs_session"
CSRF_COOKIE = "cs_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DOCS_PATHS = frozenset({"/api/docs"})
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


@dataclass
class SecurityConfig:
    settings: Settings
    secret: bytes
    limiter: RateLimiter
    staff_prefixes: tuple[str, ...] = ()  # where staff sessions are honoured: CSRF always, never stored
    login_paths: frozenset[str] = frozenset()  # rate-limited sign-ins

    _csp: tuple[tuple[str, str], str] | None = field(default=None, init=False, repr=False)
    _headers: tuple[str, tuple[tuple[bytes, bytes], ...]] | None = field(default=None, init=False, repr=False)

    @property
    def csp(self) -> str:
        """The policy, made once per value of the settings it depends on (every response carries it)."""
        key = (self.settings.csp_img_src, str(getattr(self.settings, "map_tile_url", "") or ""))
        if self._csp is None or self._csp[0] != key:
            img_src, tiles = key[0], tile_origin(key[1])
            if tiles and tiles not in img_src.split():
                img_src = f"{img_src} {tiles}"
            policy = (
                "default-src 'self'; script-src 'self'; style-src 'self'; "
                f"img-src {img_src}; connect-src 'self'; font-src 'self'; object-src 'none'; "
                "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            )
            self._csp = (key, policy)
        return self._csp[1]

    def default_headers(self, csp: str) -> tuple[tuple[bytes, bytes], ...]:
        """The headers every response gets unless it sets them itself, encoded once per policy."""
        if self._headers is None or self._headers[0] != csp:
            self._headers = (csp, tuple((k.encode(), v.encode("latin-1")) for k, v in _defaults(csp).items()))
        return self._headers[1]


def tile_origin(url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: ``https://{s}.tile.x/{z}/…`` → ``https://*.tile.x``."""
    match = re.match(r"^(https?)://([^/?#]+)", url.strip())
    if not match:
        return None
    host = match.group(2)
    if "{" in host:
        host = re.sub(r"^[^.]*\{[^}]*\}[^.]*\.", "*.", host)
    if "{" in host or "'" in host or ";" in host or " " in host:
        return None
    return f"{match.group(1)}://{host}"


def load_secret(settings: Settings) -> bytes:
    """The configured secret key, or one kept in a ``secret_key`` file beside the SQLite database
    (``var/secret_key`` for other databases), made on first use."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    url = make_url(settings.database_url)
    folder = Path("var")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database).parent
    path = folder / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        if not path.read_text(encoding="ascii").strip():
            path.write_text(secrets.token_urlsafe(48), encoding="ascii")
    return path.read_text(encoding="ascii").strip().encode()


def make_csrf_token(secret: bytes, binding: str) -> str:
    digest = hmac.new(secret, b"csrf:" + binding.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_token(request: Request) -> str:
    """The CSRF token for forms and ``X-CSRF-Token`` (a Jinja global). Sets the ``cs_csrf`` cookie if needed."""
    config: SecurityConfig = request.app.state.security
    binding = request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE)
    if not binding:
        binding = request.scope.setdefault("state", {}).get("csrf_nonce_new") or secrets.token_urlsafe(32)
        request.scope["state"]["csrf_nonce_new"] = binding
    return make_csrf_token(config.secret, binding)


def install_security(app: FastAPI, settings: Settings, domains: Domains) -> None:
    """Add the middleware and the ``csrf_token`` template global to ``app``."""
    app.state.security = SecurityConfig(
        settings,
        load_secret(settings),
        make_rate_limiter(settings.redis_url, settings.database_url, shared=settings.rate_limit_shared),
        staff_prefixes=domains.staff_prefixes,
        login_paths=frozenset(path for domain in domains for path in domain.login_paths),
    )
    templates.env.globals["csrf_token"] = csrf_token
    app.add_middleware(SecurityMiddleware)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        config: SecurityConfig = scope["app"].state.security
        send = self._with_headers(scope, send, config)
        refused = await self._rate_limited(scope, config)
        if refused is None and scope["method"] in UNSAFE_METHODS and _needs_csrf(request := Request(scope), config):
            refused, receive = await _check_csrf(request, receive, config)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _rate_limited(self, scope: Scope, config: SecurityConfig) -> Response | None:
        path, settings = scope["path"], config.settings
        if scope["method"] == "POST" and path in config.login_paths:
            bucket, limit = "login", settings.rate_limit_login_per_minute
        elif path.startswith(("/api/v1/", "/api/hsds")):
            bucket, limit = "api", settings.rate_limit_api_per_minute
        else:
            return None
        if limit <= 0:
            return None
        hit = functools.partial(config.limiter.hit, bucket, client_address(scope), limit=limit, window=60)
        decision = await run_in_threadpool(hit) if config.limiter.blocking else hit()
        if decision.allowed:
            return None
        headers = {"Retry-After": str(decision.retry_after)}
        return _refusal(Request(scope), 429, "rate_limited", "请求过于频繁，请稍后再试", headers)

    def _with_headers(self, scope: Scope, send: Send, config: SecurityConfig) -> Send:
        path = scope["path"]
        if path in DOCS_PATHS:
            return _DocsSend(scope, send, config).send

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add_headers(scope, message, config, config.csp)
            await send(message)

        return send_with_headers


def _defaults(csp: str) -> dict[str, str]:
    return {
        "content-security-policy": csp,
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-frame-options": "DENY",
        "permissions-policy": "camera=(), microphone=(), payment=(), geolocation=(self)",
        "cross-origin-opener-policy": "same-origin",
    }


HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")


def _add_headers(scope: Scope, message: Message, config: SecurityConfig, csp: str) -> None:
    """Add the security headers the answer (``http.response.start``) does not set itself; ``no-store`` under the
    staff prefixes, whatever it set. Works on the raw header list: this runs for every response."""
    raw: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
    if scope["path"].startswith(config.staff_prefixes):
        raw = [header for header in raw if header[0] != b"cache-control"]
        raw.append(NO_STORE)
    present = {name for name, _ in raw}
    wanted = config.default_headers(csp)
    raw.extend(header for header in wanted if header[0] not in present)
    if scope.get("scheme") == "https" and HSTS[0] not in present:
        raw.append(HSTS)
    nonce = scope.get("state", {}).get("csrf_nonce_new")
    if nonce and not _has_cookie(scope, CSRF_COOKIE):
        secure = "; Secure" if config.settings.cookie_secure else ""
        raw.append((b"set-cookie", f"{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Lax{secure}".encode("latin-1")))
    message["headers"] = raw


def _has_cookie(scope: Scope, name: str) -> bool:
    return name in Request(scope).cookies


class _DocsSend:
    """The interactive API docs use an inline script: allow exactly that one by its hash (its assets are ours)."""

    def __init__(self, scope: Scope, send: Send, config: SecurityConfig) -> None:
        self.scope, self.inner, self.config = scope, send, config
        self.start: Message | None = None
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.inner(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
            for m in _INLINE_SCRIPT.finditer(self.body)
        )
        csp = self.config.csp.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())
        _add_headers(self.scope, self.start, self.config, csp)
        MutableHeaders(scope=self.start)["content-length"] = str(len(self.body))
        await self.inner(self.start)
        await self.inner({"type": "http.response.body", "body": self.body})


def _needs_csrf(request: Request, config: SecurityConfig) -> bool:
    """Forms (every path outside /api) and the staff paths. The public JSON API under /api/v1 acts on no one's
    behalf (staff sessions are honoured only under the staff prefixes), so a forged call gains nothing."""
    path = request.url.path
    return not path.startswith("/api/") or path.startswith(config.staff_prefixes)


async def _check_csrf(request: Request, receive: Receive, config: SecurityConfig) -> tuple[Response | None, Receive]:
    binding = request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE)
    submitted = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if submitted is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        body = await _read_body(receive, config.settings.max_upload_bytes + 1024 * 1024)
        if body is None:
            return _refusal(request, 413, "too_large", "提交的内容过大"), receive
        receive = _replay(body)
        submitted = await _form_token(request.scope, _replay(body))
    expected = make_csrf_token(config.secret, binding) if binding else None
    if not submitted or expected is None or not hmac.compare_digest(submitted.encode(), expected.encode()):
        return _refusal(request, 403, "csrf_failed", "安全校验失败 (CSRF)，请刷新页面后重试"), receive
    return None, receive


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _form_token(scope: Scope, receive: Receive) -> str | None:
    request = Request(scope, receive)
    try:
        async with request.form() as form:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
    except Exception:  # a malformed body has no token; the request is refused
        return None


def _refusal(request: Request, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)
    context: dict[str, Any] = {"status": status, "detail": detail}
    return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)
