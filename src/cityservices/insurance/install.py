"""Medical-insurance services (医保) as an installed domain. Its features land sub-domain by sub-domain
(members, enterprises, rules, catalogue, settlement, open_api, filings, archive, map, video); each adds its
routers, commands, indexes and scopes here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cityservices.platform.domains import Domain

if TYPE_CHECKING:
    import typer

CHANGED = "insurance.changed"  # rules, catalogue or member data changed


def _register_cli(app: typer.Typer) -> None:
    import typer

    from cityservices.insurance.rules.cli import register as register_rules

    insurance_app = typer.Typer(help="医疗保障：规则表、结算。", no_args_is_help=True)
    register_rules(insurance_app)
    app.add_typer(insurance_app, name="insurance")


DOMAIN = Domain(name="insurance", label="医疗保障", topics=(CHANGED,), register_cli=_register_cli)
