"""Accounts, roles, sessions and scopes as an installed domain: the staff sign-in every other domain relies on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cityservices.platform.domains import Domain

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI

    from cityservices.config import Settings


def _routers() -> Sequence[APIRouter]:
    """Sign-in, accounts and the audit log. Installed before the other domains (``auth`` comes first in the
    ``domains`` setting), so that these fixed paths win over a domain's ``/staff/{kinds}``."""
    from cityservices.auth import api, pages, security_pages
    from cityservices.auth.citizens import api as citizen_api
    from cityservices.auth.citizens import pages as citizen_pages
    from cityservices.auth.citizens import registration_pages

    return (
        api.router,
        pages.router,
        security_pages.router,
        citizen_api.router,
        citizen_pages.router,
        registration_pages.router,
        registration_pages.staff_router,
    )


def _install_app(app: FastAPI, settings: Settings) -> None:
    from cityservices.auth.web import install_sign_in_redirects

    install_sign_in_redirects(app)


def _register_cli(app: typer.Typer) -> None:
    from cityservices.auth.cli import register

    register(app)


DOMAIN = Domain(
    name="auth",
    label="账号与权限",
    routers=_routers,
    install_app=_install_app,
    register_cli=_register_cli,
    staff_prefixes=("/staff", "/api/staff/"),
    login_paths=(
        "/staff/login",
        "/api/staff/login",
        "/api/v1/citizen/login",
        "/citizen/login",
        "/api/v1/citizen/registration/code",
        "/api/v1/citizen/registration",
        "/citizen/register",
        "/api/v1/citizen/password-reset/code",
        "/api/v1/citizen/password-reset",
        "/citizen/reset",
    ),
)
