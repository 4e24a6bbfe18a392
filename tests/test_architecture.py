"""The shape of the package (docs/architecture.md, "Layout"), checked on the import graph and the syntax tree.

- ``platform/`` and ``kit/`` know no domain; ``kit/`` does not know the platform either.
- The thin root (``app``, ``cli``, ``config``, ``db``, ``errors``) reaches domains only through the registry
  (``platform.domains``); ``models`` (the schema for Alembic) and ``deps`` (the auth aliases) are the exceptions.
- A domain uses another domain only through its public modules: ``service`` and ``flows`` modules (of the domain
  or of a sub-domain), and its ``install``; ``auth`` is also reached through its ``scopes``, ``models`` and
  ``web`` (the staff pages' shell).
- SQL (``select(`` / ``insert(`` / ``update(`` / ``delete(`` and ``session.execute`` / ``scalar(s)``) is written
  only in ``repository`` modules.
- ``.commit(`` only in ``db.session_scope``, the one transaction scope of requests and commands.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "cityservices"
DOMAINS = ("auth", "service_map", "insurance", "party_day")
PUBLIC_MODULES = ("service", "flows", "install")
PUBLIC_OF = {"auth": ("scopes", "models", "web")}  # who acts, what they may do, the staff pages' shell
ROOT_MAY_IMPORT_DOMAINS = ("models", "deps")
SQL_CALLS = frozenset({"select", "insert", "update", "delete"})
SESSION_QUERIES = frozenset({"execute", "scalar", "scalars"})
COMMIT_SCOPES = ("db.py",)  # session_scope(), which commands and the request's session dependency use


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module (or module.name), dotted
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imports_of(path: Path) -> Iterator[Import]:
    """Every import in the file, wherever it stands (lazy imports inside functions are dependencies too)."""
    module = module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield Import(module, f"{node.module}.{alias.name}", node.lineno)


def all_imports() -> list[Import]:
    return [imp for path in source_files() for imp in imports_of(path)]


def domain_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cityservices" and parts[1] in DOMAINS else None


def layer_of(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_public(target: str, domain: str) -> bool:
    """``cityservices.<domain>[.<sub>…].<public module>[.name]`` is the domain's public surface."""
    parts = target.split(".")[2:]
    allowed = PUBLIC_MODULES + PUBLIC_OF.get(domain, ())
    return any(part in allowed for part in parts)


def test_the_walk_sees_the_package() -> None:
    names = {module_name(p) for p in source_files()}
    assert {"cityservices.platform.domains", "cityservices.service_map.install", "cityservices.kit.geo"} <= names
    assert any(imp.target.startswith("cityservices.service_map") for imp in all_imports())


def test_platform_and_kit_import_no_domain() -> None:
    wrong = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in all_imports()
        if layer_of(imp.module) in ("platform", "kit") and domain_of(imp.target)
    ]
    assert not wrong, "\n".join(wrong)


def test_kit_does_not_import_the_platform() -> None:
    wrong = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in all_imports()
        if layer_of(imp.module) == "kit" and layer_of(imp.target) in ("platform", "app", "cli", "deps")
    ]
    assert not wrong, "\n".join(wrong)


def test_the_root_reaches_domains_only_through_the_registry() -> None:
    wrong = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in all_imports()
        if imp.module.count(".") == 1
        and layer_of(imp.module) not in (*DOMAINS, "platform", "kit")
        and layer_of(imp.module) not in ROOT_MAY_IMPORT_DOMAINS
        and domain_of(imp.target)
    ]
    assert not wrong, "\n".join(wrong)


def test_domains_use_each_other_only_through_public_modules() -> None:
    wrong = []
    for imp in all_imports():
        source, target = domain_of(imp.module), domain_of(imp.target)
        if source and target and source != target and not is_public(imp.target, target):
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target}")
    assert not wrong, "\n".join(wrong)


def _sql_calls(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in SQL_CALLS:
            yield node.lineno, f"{func.id}("
        elif isinstance(func, ast.Attribute) and func.attr in SESSION_QUERIES:
            receiver = func.value
            name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
            if "session" in name:
                yield node.lineno, f"{name}.{func.attr}("


def _sqlalchemy_names(tree: ast.AST) -> set[str]:
    """Names imported from sqlalchemy (so that ``select`` of another library or a local function is not SQL)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqlalchemy"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_sql_is_written_only_in_repositories() -> None:
    wrong = []
    for path in source_files():
        if path.stem == "repository" or path.name == "db.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        sqlalchemy_names = _sqlalchemy_names(tree)
        for line, call in _sql_calls(tree):
            if call.endswith("(") and call[:-1] in SQL_CALLS and call[:-1] not in sqlalchemy_names:
                continue
            wrong.append(f"{module_name(path)}:{line} {call}")
    assert not wrong, "\n".join(wrong)


def test_only_the_session_scopes_commit() -> None:
    wrong = []
    for path in source_files():
        if path.relative_to(PACKAGE).as_posix() in COMMIT_SCOPES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                wrong.append(f"{module_name(path)}:{node.lineno}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_installs_itself(domain: str) -> None:
    assert (PACKAGE / domain / "install.py").is_file()
    text = (PACKAGE / domain / "install.py").read_text(encoding="utf-8")
    assert "DOMAIN = Domain(" in text
