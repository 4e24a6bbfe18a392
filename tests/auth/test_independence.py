"""Accounts know no domain: nothing in ``cityservices.auth`` imports ``service_map``, ``insurance`` or
``party_day`` (their scope kinds reach it through the installed domains' declarations)."""

from __future__ import annotations

import ast
from pathlib import Path

import cityservices.auth
from cityservices.platform.domains import load_domains

AUTH = Path(cityservices.auth.__file__).parent
DOMAINS = ("cityservices.service_map", "cityservices.insurance", "cityservices.party_day")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_auth_imports_no_other_domain() -> None:
    modules = sorted(AUTH.rglob("*.py"))
    assert len(modules) > 5
    offending = {f"{path.name}: {name}" for path in modules for name in _imports(path) if name.startswith(DOMAINS)}
    assert offending == set()


def test_the_check_sees_a_domain_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from cityservices.service_map.scopes import DISTRICT\n", encoding="utf-8")
    assert "cityservices.service_map.scopes" in _imports(module)


def test_the_service_maps_scope_kinds_are_the_ones_its_filters_read() -> None:
    from cityservices.service_map.scopes.service import DEPARTMENT, DISTRICT

    declared = load_domains(["auth", "service_map"]).scopes
    assert set(declared) == {DISTRICT, DEPARTMENT}
