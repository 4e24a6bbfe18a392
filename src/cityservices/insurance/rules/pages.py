"""Staff pages for the rule tables (``/staff/insurance/rules/tables``): the tables and their rows (validity, source,
verified or 示例参数，未经核实), one row edited with a form built from its table's fields, and the row's versions
with what each changed.

Saving goes through the same service as the API (validation and overlap checks as on load, the version the form
was opened at required, a stale one refused, a version and an audit row per change); only staff not limited to
one district may save. (The pages sit one level below ``/staff/insurance/rules``: two-part staff paths are the
service map's record lists.) Every form carries ``csrf_token``; the templates hold no inline script or style.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from cityservices.auth.service import SignedIn
from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, FormValues, RequireEditor
from cityservices.errors import Conflict, RequestInvalid, RuleViolation
from cityservices.insurance.rules import service
from cityservices.insurance.rules.schemas import RULE_CLASSES, TABLE_LABELS, RuleBase
from cityservices.insurance.scopes import region_of
from cityservices.insurance.vocabulary import (
    CHRGITM_LV_ZH,
    ELSEWHERE_ZH,
    EXAMPLE_MARK,
    FUND_PAY_TYPE_ZH,
    HOSP_LV_ZH,
    INSUTYPE_ZH,
    MED_KIND_ZH,
    MED_TYPE_ZH,
    PSN_GROUP_ZH,
)
from cityservices.kit.money import Money, Ratio

router = APIRouter(prefix="/staff/insurance/rules", tags=["insurance pages"], include_in_schema=False)
RuleId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")]
TableName = Annotated[str | None, Query(max_length=32)]

OPTION_LABELS: Final[dict[str, dict[str, str]]] = {
    "insutype": INSUTYPE_ZH,
    "med_kind": MED_KIND_ZH,
    "hosp_lv": HOSP_LV_ZH,
    "psn_group": PSN_GROUP_ZH,
    "fund_pay_type": FUND_PAY_TYPE_ZH,
    "chrgitm_lv": CHRGITM_LV_ZH,
    "kind": ELSEWHERE_ZH,
    "med_type": MED_TYPE_ZH,
    "per": {"admission": "每次住院", "year": "每年累计"},
    "payer": {"employer": "单位", "employee": "职工个人", "individual": "个人（灵活就业、居民）"},
    "scope": {"national_cap": "国家规定的最大降幅", "local": "本地执行"},
    "case": {
        "normal": "顺产",
        "difficult": "难产",
        "extra_baby": "多胞胎每多一个",
        "miscarriage_lt4m": "怀孕未满4个月流产",
        "miscarriage_ge4m": "怀孕满4个月流产",
        "provincial_extra": "省规定增加的产假",
    },
}
HINTS: Final = {
    "money": "元，如 800 或 800.00",
    "ratio": "0 到 1 之间，最多四位小数，如 0.85",
    "valid_to": "不含当日；留空表示长期有效",
    "verified": "不勾选即为“示例参数，未经核实”",
}
ACTION_LABELS: Final = {"load": "载入规则文件", "edit": "工作人员修改", "add": "工作人员新增"}
_FIXED: Final = ("id", "table")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class FormField:
    """One input of the rule form: its name, label, widget (text, money, ratio, number, date, checkbox, select,
    textarea) and current value as text; ``options`` (value, label) for a select."""

    name: str
    label: str
    widget: str
    value: Any
    required: bool = True
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None


def _table_class(table: str) -> type[RuleBase]:
    for cls in RULE_CLASSES:
        if typing.get_args(cls.model_fields["table"].annotation) == (table,):
            return cls
    raise RequestInvalid("table", f"未知的规则表 {table}")


def _widget(annotation: Any) -> tuple[str, list[str], bool]:
    """The widget of a field's type, the options of a fixed choice and whether the field may be empty."""
    optional = False
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        annotation = args[0]
    if typing.get_origin(annotation) is Literal:
        return "select", [str(a) for a in typing.get_args(annotation)], optional
    if annotation is bool:
        return "checkbox", [], optional
    if annotation is int:
        return "number", [], optional
    if annotation is dt.date:
        return "date", [], optional
    if annotation is Money:
        return "money", [], optional
    if annotation is Ratio:
        return "ratio", [], optional
    return ("textarea" if annotation is str else "text"), [], optional


def build_form(table: str, body: dict[str, Any]) -> list[FormField]:
    """The inputs of a row of ``table``, filled from ``body`` (the row as the rule file has it)."""
    cls = _table_class(table)
    fields = []
    for name, info in cls.model_fields.items():
        if name in _FIXED:
            continue
        widget, choices, optional = _widget(info.annotation)
        value = body.get(name)
        if widget != "checkbox":
            value = "" if value is None else str(value)
        max_length = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        fields.append(
            FormField(
                name=name,
                label=service.FIELD_LABELS.get(name, name),
                widget=widget,
                value=value,
                required=not optional and widget != "checkbox",
                hint=HINTS.get(name) or HINTS.get(widget, ""),
                options=[(c, OPTION_LABELS.get(name, {}).get(c, c)) for c in choices],
                max_length=max_length,
            )
        )
    return fields


def parse_form(table: str, form: dict[str, str]) -> tuple[dict[str, object], list[str]]:
    """The submitted inputs as rule values, and a Chinese message per input that cannot be one."""
    values: dict[str, object] = {}
    errors: list[str] = []
    for f in build_form(table, {}):
        raw = form.get(f.name, "").strip()
        label = f.label
        if f.widget == "checkbox":
            values[f.name] = raw in ("1", "on", "true")
        elif raw == "":
            if f.name == "note":
                values[f.name] = ""
            elif f.required:
                errors.append(f"{label}：必须填写")
            else:
                values[f.name] = None
        elif f.widget == "date":
            try:
                if not _DATE.match(raw):
                    raise ValueError
                values[f.name] = dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                errors.append(f"{label}：日期应写成 年-月-日，如 2027-01-01")
        elif f.widget == "number":
            if not raw.isdigit():
                errors.append(f"{label}：应为正整数")
            else:
                values[f.name] = int(raw)
        elif f.widget == "select":
            if raw not in {value for value, _ in f.options}:
                errors.append(f"{label}：请从列表中选择")
            else:
                values[f.name] = raw
        else:
            if f.max_length is not None and len(raw) > f.max_length:
                errors.append(f"{label}：最多 {f.max_length} 个字")
            elif f.name == "source" and len(raw) < 2:
                errors.append(f"{label}：请写明来源（至少 2 个字）")
            else:
                values[f.name] = raw
    return values, errors


def _plain(message: str) -> str:
    """A validation message for staff: without the validator's prefix, field names as their Chinese labels."""
    text = message.removeprefix("Value error, ")
    if text.isascii():
        return "内容不符合要求"
    return re.sub(r"\b[a-z_]+\b", lambda m: service.FIELD_LABELS.get(m.group(0), m.group(0)), text)


def _error_lines(exc: RequestInvalid) -> list[str]:
    lines = []
    for name, message in exc.fields:
        key = name.split(".", 1)[1] if name.startswith("values.") else name
        label = service.FIELD_LABELS.get(key.split(".")[0], "") if key != "values" else ""
        lines.append(f"{label}：{_plain(message)}" if label else _plain(message))
    return lines


def _can_edit(staff: SignedIn) -> bool:
    return staff.account.role != "viewer" and region_of(staff.account) is None


def render(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    base = {"TABLE_LABELS": TABLE_LABELS, "EXAMPLE_MARK": EXAMPLE_MARK, "ACTION_LABELS": ACTION_LABELS,
            "FIELD_LABELS": service.FIELD_LABELS}  # fmt: skip
    response = render_staff_page(request, f"insurance/rules/{name}", {**base, **context}, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/tables", response_class=HTMLResponse)
def rules_page(request: Request, session: DbSession, staff: CurrentStaff, table: TableName = None) -> HTMLResponse:
    """The rule tables with their row counts, and the rows of one table (all when none is chosen)."""
    chosen = table or None
    rows = service.list_rules(session, table=chosen)
    counts: dict[str, int] = {}
    for row in service.list_rules(session):
        counts[row.table] = counts.get(row.table, 0) + 1
    context = {"staff": staff, "rows": rows, "counts": counts, "table": chosen, "can_edit": _can_edit(staff),
               "OPTION_LABELS": OPTION_LABELS}  # fmt: skip
    return render(request, "rules.html", context)


def _edit_context(staff: SignedIn, read: Any, fields: list[FormField], version: int) -> dict[str, Any]:
    return {"staff": staff, "rule": read, "fields": fields, "version": version, "can_edit": _can_edit(staff),
            "errors": [], "stale": None}  # fmt: skip


@router.get("/row/{rule_id}", response_class=HTMLResponse)
def edit_page(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    rule_id: RuleId,
    saved: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    read = service.read_rule(session, rule_id)
    context = _edit_context(staff, read, build_form(read.table, read.body), read.row_version)
    context["saved"] = saved
    return render(request, "rule_form.html", context)


@router.post("/row/{rule_id}", response_class=HTMLResponse)
def save(request: Request, session: DbSession, staff: RequireEditor, rule_id: RuleId, form: FormValues) -> Response:
    """Save the form as the row's next version; a form opened at an older version is refused (409)."""
    service.require_rule_editor(region_of(staff.account))
    read = service.read_rule(session, rule_id)
    values, errors = parse_form(read.table, form)
    raw_base = form.get("base_version", "")
    base = int(raw_base) if raw_base.isdigit() and len(raw_base) < 10 else None
    if base is None:
        errors.append("缺少本页打开时的版本号，请重新打开本页后再修改")
    shown = {**read.body, **values}
    status = 422
    if not errors:
        try:
            saved = service.edit_rule(session, rule_id, values, base_version=base, actor=staff.actor)
            return see_other(f"/staff/insurance/rules/row/{quote(rule_id)}?saved={saved.row_version}")
        except RequestInvalid as exc:
            errors = _error_lines(exc)
        except RuleViolation as exc:
            errors = [f"与其他规则的有效期重叠：{exc.detail}"]
        except Conflict:
            context = _edit_context(staff, read, build_form(read.table, shown), base or 0)
            context["stale"] = {"yours": base, "current": read.row_version}
            return render(request, "rule_form.html", context, status=409)
    context = _edit_context(staff, read, build_form(read.table, shown), base or read.row_version)
    context["errors"] = errors
    return render(request, "rule_form.html", context, status=status)


@router.get("/row/{rule_id}/versions", response_class=HTMLResponse)
def versions_page(request: Request, session: DbSession, staff: CurrentStaff, rule_id: RuleId) -> HTMLResponse:
    """Every version of the row, newest first, each with the fields it changed (before → after)."""
    read = service.read_rule(session, rule_id)
    versions = list(reversed(service.rule_versions(session, rule_id)))
    return render(request, "rule_versions.html", {"staff": staff, "rule": read, "versions": versions})
