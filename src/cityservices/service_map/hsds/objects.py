"""Issue reporting by JSON Pointer (or by where ``forms`` found an object), and record validation with fields
named as in the HSDS object; shared by the profile and the plain HSDS readers (``reader``)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from cityservices.service_map.hsds.forms import ORIGIN
from cityservices.service_map.hsds.mapping import EXT, EXTRA, PHONE_KEYS, from_hsds_object, schedules_to_hours
from cityservices.service_map.interchange.dataset import DatasetBuilder, Origin


class HsdsReader:
    """Issue reporting by JSON Pointer, and record validation with fields named as in the HSDS object."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.builder = DatasetBuilder()
        self.keep_foreign = False  # plain HSDS: keep the unmapped fields of phones, documents and cost options

    def origin(self, pointer: str) -> Origin:
        if pointer.startswith("@"):  # where the normalised object was found (forms.ORIGIN)
            file_name, _, row = pointer[1:].partition("/")[0].rpartition(":")
            if file_name and row.isdigit():
                return Origin(file_name, int(row))
            return Origin(pointer[1:], 0)
        return Origin(f"{self.file_name}#{pointer}" if pointer else self.file_name, 0)

    def problem(self, pointer: str, field_name: str, message: str) -> None:
        self.builder.problem(self.origin(pointer), field_name, message)

    def load(self, path: Path) -> Any:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.problem("", "", f"无法读取文件: {exc}")
            return None
        except json.JSONDecodeError as exc:
            self.problem("", "", f"不是有效的 JSON: {exc.msg}（第 {exc.lineno} 行）")
            return None
        if not isinstance(document, dict | list):
            self.problem("", "", f"顶层必须是 JSON 对象或数组，实际为 {type(document).__name__}")
            return None
        version = document.get("hsds_version") if isinstance(document, dict) else None
        if version is not None and not (isinstance(version, str) and version.startswith("3.")):
            self.problem("", "hsds_version", f"不支持的 HSDS 版本 {version!r}，应为 3.x")
            return None
        return document

    def objects(
        self, container: Mapping[str, Any], key: str, pointer: str = ""
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The objects of the array ``container[key]`` with their pointers; non-objects are reported."""
        values = container.get(key, [])
        if not isinstance(values, list):
            self.problem(pointer, key, f"{key} 必须是数组")
            return
        for index, value in enumerate(values):
            if isinstance(value, dict):
                origin = value.get(ORIGIN)
                yield (f"@{origin}" if isinstance(origin, str) else f"{pointer}/{key}/{index}"), value
            else:
                self.problem(f"{pointer}/{key}/{index}", "", "必须是 JSON 对象")

    def extension(self, obj: Mapping[str, Any], pointer: str) -> dict[str, Any]:
        value = obj.get(EXT, {})
        if isinstance(value, dict):
            return dict(value)
        self.problem(pointer, EXT, f"{EXT} 必须是对象")
        return {}

    def keep(self, kind: str, key: Any, extension: dict[str, Any], pointer: str, fields: Any = None) -> None:
        """Keep an object's foreign HSDS fields: ``fields`` (plain HSDS), or its ``x_cityservices.hsds`` (profile,
        taken out of ``extension``)."""
        fields = extension.pop(EXTRA, None) if fields is None else fields
        if fields:
            raw = {"kind": kind, "key": key, "fields": fields}
            self.add("hsds_extras", raw, pointer, {"fields": f"{EXT}.{EXTRA}"}, f"{EXT}.{EXTRA}.")

    def add(self, kind: str, raw: dict[str, Any], pointer: str, paths: Mapping[str, str], prefix: str) -> None:
        """Validate ``raw``; a failing record field is named by ``paths``, else as ``prefix`` + field."""
        issues = self.builder.issues
        start = len(issues)
        self.builder.add(kind, raw, self.origin(pointer))
        issues[start:] = [replace(i, field=_path(i.field, paths, prefix)) for i in issues[start:]]

    def mapped(self, obj: Mapping[str, Any], key: str, pointer: str, keys: Mapping[str, str]) -> list[dict[str, Any]]:
        """Our free-form dicts from the HSDS objects in ``obj[key]`` (phones, required documents, …): the mapped
        fields, the extension's keys, and in plain HSDS (``keep_foreign``) every other field of the object except
        ids, kept verbatim so that the export writes them back in the object's ``x_cityservices``."""
        found = [(from_hsds_object(o, keys), o) for _, o in self.objects(obj, key, pointer)]
        return [with_foreign_fields(data, o, keys) if self.keep_foreign else data for data, o in found]

    def location_parts(self, location: Mapping[str, Any], pointer: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Venue fields read alike from every HSDS location (phones, hours, accessibility), and its first address."""
        hours = schedules_to_hours(location.get("schedules", []))
        for field_name, message in hours.problems:
            self.problem(pointer, field_name, message)
        addresses = [a for _, a in self.objects(location, "addresses", pointer)]
        parts = {
            "phones": self.mapped(location, "phones", pointer, PHONE_KEYS),
            "hours": dict(hours.weekly),
            "hours_exceptions": hours.exception_list(),
            "accessibility": [_accessibility(a) for _, a in self.objects(location, "accessibility", pointer)],
        }
        return parts, addresses[0] if addresses else {}

    def coordinates(self, location: Mapping[str, Any], pointer: str) -> tuple[Any, Any] | None:
        lat, lng = location.get("latitude"), location.get("longitude")
        missing = [name for name, value in (("latitude", lat), ("longitude", lng)) if value is None]
        for name in missing:
            self.problem(pointer, name, f"缺少坐标 {name}（WGS-84 十进制度）")
        out = [n for n, v, limit in (("latitude", lat, 90), ("longitude", lng, 180)) if _outside(v, limit)]
        for name in out:
            value = location.get(name)
            self.problem(pointer, name, f"{name} {value!r} 超出 WGS-84 范围 [-{_LIMITS[name]}, {_LIMITS[name]}]")
        return None if missing or out else (lat, lng)


_LIMITS = {"latitude": 90, "longitude": 180}


def _outside(value: Any, limit: int) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not -limit <= value <= limit


def _path(field_name: str, paths: Mapping[str, str], prefix: str) -> str:
    if not field_name:
        return ""
    head = field_name.split(".", 1)[0]
    return paths[head] if head in paths else prefix + field_name


def foreign_fields(obj: Mapping[str, Any], read: frozenset[str]) -> dict[str, Any]:
    """The fields of a plain HSDS object that are not ``read`` (nor contacts: personal data), without the
    import's own markers, for ``x_cityservices.hsds`` (``hsds.models.HsdsExtra``)."""
    skip = read | {EXT, ORIGIN, "contacts"}
    return {k: _unmarked(v) for k, v in obj.items() if k not in skip and v not in (None, "", [], {})}


def _unmarked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unmarked(v) for k, v in value.items() if k != ORIGIN}
    if isinstance(value, list):
        return [_unmarked(v) for v in value]
    return value


def with_foreign_fields(data: dict[str, Any], obj: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """``data`` plus the fields of the HSDS object ``obj`` that no key maps (not ids, links or empty values)."""
    for name, value in obj.items():
        if name in keys.values() or name in (EXT, ORIGIN, "id") or name.endswith("_id") or value in (None, "", []):
            continue
        data.setdefault(name, value)
    return data


def _accessibility(obj: Mapping[str, Any]) -> Any:
    """The description, and the details after it when there are any (our accessibility is a list of texts)."""
    description, details = obj.get("description"), obj.get("details")
    if isinstance(description, str) and isinstance(details, str) and details:
        return f"{description} {details}"
    return description
