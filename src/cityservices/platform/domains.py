"""The installed domains: what each one adds to the platform, and the platform's view of all of them.

A domain (``auth``, ``service_map``, ``insurance``, ``party_day`` …) is a package with an ``install`` module that
defines ``DOMAIN = Domain(...)``: its routers, command-line commands, per-process indexes, event topics, staff
path prefixes and permission scopes. The platform knows no domain by name: it imports the install modules named
in the ``domains`` setting and iterates over what they declare. Everything heavy is reached through callables, so
that reading the declarations imports nothing but this module's types.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from sqlalchemy.orm import Session

    from cityservices.config import Settings


@dataclass(frozen=True)
class IndexSpec:
    """A per-process in-memory index a worker builds before it takes traffic (``platform.lifecycle``)."""

    name: str
    warm: Callable[[FastAPI], None]
    # Drops what the index keeps outside ``app.state`` (a cache keyed by the database engine) when the app shuts
    # down, so that an app that is gone holds no index memory; what is in ``app.state`` the lifespan drops itself.
    release: Callable[[FastAPI], None] | None = None


@dataclass(frozen=True)
class ScopeKind:
    """A kind of limit a staff account can carry (a district, a department, an insurance region …).

    ``values`` lists what may be chosen (code → label) from a database session; the domain's repositories turn a
    scope into a query filter."""

    name: str
    label: str
    values: Callable[[Session], dict[str, str]] | None = None


@dataclass(frozen=True)
class Domain:
    name: str
    label: str
    routers: Callable[[], Sequence[APIRouter]] = lambda: ()
    install_app: Callable[[FastAPI, Settings], None] | None = None  # mounts and handlers beyond routers
    register_cli: Callable[[typer.Typer], None] | None = None
    indexes: Sequence[IndexSpec] = ()
    topics: Sequence[str] = ()  # the event topics this domain publishes (kit.events)
    staff_prefixes: Sequence[str] = ()  # paths where a staff session is honoured (and CSRF always checked)
    login_paths: Sequence[str] = ()  # sign-in endpoints (rate-limited per client address)
    scopes: Sequence[ScopeKind] = ()
    stats: Callable[[Session], dict[str, Any]] | None = None  # counts for ``cityservices stats``
    load_demo: Callable[[Settings, bool], None] | None = None  # ``cityservices load-demo [--if-empty]``
    # Called by each worker's lifespan at startup (work to resume, in a thread of its own); returns what stops it.
    on_start: Callable[[FastAPI], Callable[[], None] | None] | None = None
    # Checks of a registering citizen's stated (ID number, name) against this domain's own records of that ID
    # number: the refusal's message, or None when the records agree or hold no such number.
    identity_checks: Sequence[Callable[[Session, str, str], str | None]] = ()


@dataclass(frozen=True)
class Domains:
    """The installed domains, in the order given by the ``domains`` setting."""

    installed: tuple[Domain, ...] = field(default_factory=tuple)

    def __iter__(self) -> Any:
        return iter(self.installed)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(domain.name for domain in self.installed)

    @property
    def staff_prefixes(self) -> tuple[str, ...]:
        return _unique(prefix for domain in self.installed for prefix in domain.staff_prefixes)

    @property
    def topics(self) -> tuple[str, ...]:
        return _unique(topic for domain in self.installed for topic in domain.topics)

    @property
    def indexes(self) -> tuple[IndexSpec, ...]:
        return tuple(index for domain in self.installed for index in domain.indexes)

    @property
    def identity_checks(self) -> tuple[Callable[[Session, str, str], str | None], ...]:
        return tuple(check for domain in self.installed for check in domain.identity_checks)

    @property
    def scopes(self) -> dict[str, ScopeKind]:
        return {scope.name: scope for domain in self.installed for scope in domain.scopes}


def load_domains(names: Iterable[str]) -> Domains:
    """Import ``cityservices.<name>.install`` for each name and collect their ``DOMAIN``s."""
    installed = []
    for name in names:
        module = importlib.import_module(f"cityservices.{name}.install")
        domain = getattr(module, "DOMAIN", None)
        if not isinstance(domain, Domain):
            raise TypeError(f"cityservices.{name}.install defines no DOMAIN")
        installed.append(domain)
    return Domains(tuple(installed))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
