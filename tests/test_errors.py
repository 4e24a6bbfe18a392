"""One error path: expected errors raised anywhere reach the client through the app's one handler.

``RequestInvalid`` raised by a service is a 422 ``invalid_request`` naming the field, in JSON under /api and as
an HTML page elsewhere, exactly as FastAPI's own validation errors are. The architecture tests keep it so: no
module builds ``RequestValidationError`` by hand, and every error class the application defines is one of the
semantic errors of ``cityservices.errors``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic_core import ErrorType
from sqlalchemy.engine import Engine

import cityservices
from cityservices import errors as errors_module
from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.deps import DbSession
from cityservices.errors import (
    AppError,
    Conflict,
    Forbidden,
    NotFound,
    RequestInvalid,
    RuleViolation,
    Unauthenticated,
    Unavailable,
    zh_message,
)
from cityservices.service_map.venues.service import check_district

SRC = Path(cityservices.__file__).resolve().parent
UNKNOWN_DISTRICT = "990000"
SEMANTIC = (NotFound, Forbidden, Conflict, RuleViolation, RequestInvalid, Unauthenticated, Unavailable)

# Exception classes that need not be semantic errors, each with the reason it never reaches a client as such.
NOT_SEMANTIC = {
    # Starlette's own HTTP errors (unknown path, wrong method, unreadable body) wrapped to be rendered by the
    # one handler; their status is Starlette's.
    "cityservices.app._HttpError",
    # Raised and caught inside hsds.mapping.schedules_to_hours, which turns it into a (path, message) problem.
    "cityservices.service_map.hsds.mapping.ScheduleError",
    # Raised and caught inside service_map.editing.forms.read_form, which turns it into per-row messages of the
    # staff form's field (the page shows the rows again as typed).
    "cityservices.service_map.editing.forms.RowErrors",
    # Raised from ``receive`` while a body is read: Starlette HTTP errors so that FastAPI's body parsing passes
    # them on (it turns any other error into a 400); rendered 413 / 408 by the one handler or platform.limits.
    "cityservices.platform.limits.BodyTooLarge",
    "cityservices.platform.limits.BodyTooSlow",
    # The insurance engines are pure functions over their inputs (no framework): a malformed national code, an
    # unsettleable claim line and a rule the book lacks are caught by the service that called the engine and
    # turned into RequestInvalid / RuleViolation naming the field; overlapping rule rows are returned as values
    # (find_overlaps), never raised.
    "cityservices.insurance.catalogue.codes.CodeError",
    "cityservices.insurance.settlement.claims.ClaimInvalid",
    "cityservices.insurance.rules.book.RuleMissing",
    "cityservices.insurance.rules.book.RuleOverlap",
    # The signing primitives (pure functions over keys and bytes): a key or signature that cannot be used is
    # turned by the open platform's service and guard into RequestInvalid or the platform's own error code.
    "cityservices.insurance.open_api.signing.SignatureError",
    # The open platform's protocol error: its status and stable code (bad_signature, replayed_nonce …) are part of
    # the published protocol HR systems act on (docs/open-platform.md), rendered by the same one handler.
    "cityservices.insurance.open_api.service.OpenApiError",
}


def test_request_invalid_keeps_field_message_and_text() -> None:
    error = RequestInvalid("district", "未知的区划代码", ("open_at", "时间有误"))
    assert (error.field, error.message, error.status_code) == ("district", "未知的区划代码", 422)
    assert error.body() == {
        "error": "invalid_request",
        "detail": [{"field": "district", "message": "未知的区划代码"}, {"field": "open_at", "message": "时间有误"}],
    }
    assert error.page_text() == "请求参数有误: district: 未知的区划代码; open_at: 时间有误"
    assert RequestInvalid.of([("q", "过长")]).body() == {
        "error": "invalid_request",
        "detail": [{"field": "q", "message": "过长"}],
    }


@pytest.fixture
def app(engine: Engine, db_url: str) -> FastAPI:
    """The application on a migrated database, with a page whose service raises ``RequestInvalid``."""
    application = create_app(Settings(database_url=db_url))

    @application.get("/test-district")
    def district_page(session: DbSession, code: str) -> dict[str, str]:
        check_district(session, code)
        return {"code": code}

    return application


def test_request_invalid_from_a_service_is_a_json_422_naming_the_field(app: FastAPI) -> None:
    response = TestClient(app).get("/api/v1/venues", params={"district": UNKNOWN_DISTRICT})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert [entry["field"] for entry in body["detail"]] == ["district"]
    assert "未知的区划代码" in body["detail"][0]["message"]


def test_request_invalid_from_a_service_is_an_html_422_page_naming_the_field(app: FastAPI) -> None:
    response = TestClient(app).get("/test-district", params={"code": UNKNOWN_DISTRICT})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "请求参数有误: district: 未知的区划代码" in response.text


def test_framework_validation_and_request_invalid_answer_alike(app: FastAPI) -> None:
    client = TestClient(app)
    framework = client.get("/api/v1/venues", params={"limit": "0"})
    raised = client.get("/api/v1/venues", params={"cursor": "x", "offset": "0"})
    for response, field in ((framework, "limit"), (raised, "cursor")):
        assert response.status_code == 422
        body = response.json()
        assert set(body) == {"error", "detail"}
        assert body["error"] == "invalid_request"
        assert [set(entry) for entry in body["detail"]] == [{"field", "message"}]
        assert body["detail"][0]["field"] == field
    page = client.get("/test-district")  # the required ``code`` is missing: FastAPI's own validation
    assert page.status_code == 422
    assert "请求参数有误: code: " in page.text


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_no_module_builds_request_validation_errors() -> None:
    """Services raise ``RequestInvalid``; only the app's handler deals with FastAPI's validation error."""
    offenders = []
    for path in _sources():
        module = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and "RequestValidationError" in ast.unparse(node.func):
                offenders.append(f"{module}:{node.lineno} builds RequestValidationError")
            names = [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom) else []
            if "RequestValidationError" in names and module != "app.py":
                offenders.append(f"{module}:{node.lineno} imports RequestValidationError")
    assert offenders == []


def _exception_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(cityservices.__path__, "cityservices."):
        if info.name.endswith("__main__"):  # running it would start the CLI
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_error_class_is_a_semantic_error() -> None:
    """Outside ``kit`` every exception class is a semantic error; a ``kit`` class may stay framework-free and
    plain (then one place maps it), but if it is an ``AppError`` it is a semantic one too."""
    classes = _exception_classes()
    assert {c.__name__ for c in classes} >= {"CursorError", "CoordinateError", "InvalidQuery", "ImportFailed"}
    offenders = []
    for cls in classes:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__module__ == "cityservices.errors" or name in NOT_SEMANTIC:
            continue
        in_kit = cls.__module__.startswith("cityservices.kit.")
        if (not in_kit or issubclass(cls, AppError)) and not issubclass(cls, SEMANTIC):
            offenders.append(name)
    assert offenders == []
    assert all(name in {f"{c.__module__}.{c.__qualname__}" for c in classes} for name in NOT_SEMANTIC)


def test_kit_raises_semantic_errors_without_the_web_framework() -> None:
    """``kit`` may raise the domain-free errors of ``cityservices.errors`` but never imports FastAPI/Starlette."""
    offenders = []
    for path in sorted((SRC / "kit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            if any(m.split(".")[0] in {"fastapi", "starlette"} for m in modules):
                offenders.append(f"{path.relative_to(SRC).as_posix()}:{node.lineno}")
    assert offenders == []


def test_every_translated_error_type_is_one_pydantic_knows() -> None:
    known = set(get_args(ErrorType))
    assert set(errors_module._ZH_BY_TYPE) - known == set()


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "string_too_long", "msg": "String should have at most 200 characters", "ctx": {"max_length": 200}},
         "最多 200 个字符"),
        ({"type": "missing", "msg": "Field required"}, "必须填写"),
        ({"type": "less_than_equal", "msg": "Input should be less than or equal to 500", "ctx": {"le": 500}},
         "不能大于 500"),
        ({"type": "literal_error", "msg": "Input should be 'walk' or 'drive'",
          "ctx": {"expected": "'walk' or 'drive'"}},
         "应为以下之一：'walk'、'drive'"),
        ({"type": "value_error", "msg": "Value error, 未知的区划代码", "ctx": {"error": "x"}}, "未知的区划代码"),
        ({"type": "value_error", "msg": "Value error, bad thing"}, "取值无效"),
        ({"type": "no_such_type_yet", "msg": "Something English"}, "取值无效"),
        ({"type": "greater_than_equal", "msg": "Input should be greater than or equal to 1"}, "不能小于"),
    ],
)  # fmt: skip
def test_validation_messages_are_translated_by_type(error: dict[str, Any], message: str) -> None:
    assert zh_message(error) == message


def test_an_over_long_search_gets_a_chinese_message_in_json_and_on_the_page(app: FastAPI) -> None:
    client = TestClient(app)
    long_query = "身份证" * 70  # 210 characters
    answer = client.get("/api/v1/search", params={"q": long_query})
    assert answer.status_code == 422
    [entry] = answer.json()["detail"]
    assert entry["field"] == "q"
    assert "200" in entry["message"]
    assert "should" not in entry["message"]
    page = client.get("/search", params={"q": long_query})
    assert page.status_code == 422
    assert "最多 200 个字符" in page.text
    assert "should" not in page.text
    missing = client.get("/test-district")
    assert "code: 必须填写" in missing.text
