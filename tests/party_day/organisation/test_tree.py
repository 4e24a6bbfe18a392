"""The organisation tree: levels that fit, branch kinds, paths, and the ``party_org`` scope as a filter."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.errors import Forbidden, NotFound, RequestInvalid
from cityservices.party_day.organisation import service
from cityservices.party_day.organisation.schemas import OrganisationCreate
from tests.party_day.builders import ACTOR, ADMIN, account, build_tree, member, org


def _codes(
    session: Session, who: StaffAccount, *, level: str | None = None, kind: str | None = None, under: str | None = None
) -> list[str]:
    page = service.list_organisations(session, account=who, level=level, kind=kind, under=under, limit=500, offset=0)
    return [item.code for item in page.items]


def test_paths_follow_the_tree_and_groups_inherit_the_kind(session: Session) -> None:
    tree = build_tree(session)
    assert tree.city.path == f"{tree.city.id}."
    assert tree.group.path == f"{tree.branch.path}{tree.group.id}."
    assert tree.group.kind == "school"
    assert tree.committee.kind is None


@pytest.mark.parametrize(
    ("level", "parent", "kind", "field"),
    [
        ("branch", "QD.D1", "school", "parent_code"),  # a branch does not hang under a district
        ("group", "QD.D1.C1", None, "parent_code"),
        ("branch", "QD.D1.C1", None, "kind"),
        ("branch", "QD.D1.C1", "factory", "kind"),
        ("committee", "QD.D1", "village", "kind"),
        ("district", None, None, "parent_code"),
        ("galaxy", "QD", None, "level"),
        ("branch", "NOPE", "school", "parent_code"),
    ],
)
def test_a_node_that_does_not_fit_names_the_field_and_writes_nothing(
    session: Session, level: str, parent: str | None, kind: str | None, field: str
) -> None:
    build_tree(session)
    data = OrganisationCreate(code="X1", name="新组织", level=level, kind=kind, parent_code=parent)
    with pytest.raises(RequestInvalid) as caught:
        service.add_organisation(session, account=ADMIN, actor=ACTOR, data=data)
    assert caught.value.field == field
    assert "X1" not in _codes(session, ADMIN)


def test_a_scoped_account_sees_and_grows_only_its_subtree(session: Session) -> None:
    tree = build_tree(session)
    committee_staff = account("editor", tree.committee.code)
    seen = _codes(session, committee_staff)
    assert set(seen) == {"QD.D1.C1", "QD.D1.C1.G1", "QD.D1.C1.G1.B1", "QD.D1.C1.G1.B1.P1", "QD.D1.C1.B2"}
    assert set(_codes(session, committee_staff, level="branch")) == {"QD.D1.C1.G1.B1", "QD.D1.C1.B2"}
    assert _codes(session, committee_staff, kind="community") == ["QD.D1.C1.B2"]
    assert _codes(session, committee_staff, under="QD.D1.C1.G1") == [
        "QD.D1.C1.G1",
        "QD.D1.C1.G1.B1",
        "QD.D1.C1.G1.B1.P1",
    ]
    with pytest.raises(Forbidden):
        _codes(session, committee_staff, under="QD.D2")
    org_outside = OrganisationCreate(code="X2", name="外区支部", level="branch", kind="village", parent_code="QD.D2.C2")
    with pytest.raises(Forbidden):
        service.add_organisation(session, account=committee_staff, actor=ACTOR, data=org_outside)
    inside = OrganisationCreate(code="X3", name="新支部", level="branch", kind="soe", parent_code="QD.D1.C1")
    service.add_organisation(session, account=committee_staff, actor=ACTOR, data=inside)
    assert "X3" in _codes(session, committee_staff)
    assert "X3" not in _codes(session, account("editor", "QD.D2"))


def test_a_scope_naming_an_unknown_organisation_covers_nothing(session: Session) -> None:
    build_tree(session)
    assert _codes(session, account("editor", "GONE")) == []
    assert len(_codes(session, account("viewer"))) == 10


def test_the_summary_counts_the_subtree_and_stays_in_scope(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code)
    member(session, tree.branch.code, status="probationary", full_on=None)
    member(session, tree.other_branch.code)
    summary = service.summarise(session, account=account("viewer", "QD.D1"), code="QD.D1")
    assert summary.members_by_status == {"full": 1, "probationary": 1}
    assert summary.branches_by_kind == {"school": 1, "community": 1}
    assert [child.code for child in summary.children] == ["QD.D1.C1"]
    city = service.summarise(session, account=ADMIN, code="QD")
    assert city.members_by_status == {"full": 2, "probationary": 1}
    with pytest.raises(Forbidden):
        service.summarise(session, account=account("viewer", "QD.D1"), code="QD.D2")
    with pytest.raises(NotFound):
        service.summarise(session, account=ADMIN, code="NOPE")


def test_only_an_unscoped_account_founds_the_city(session: Session) -> None:
    build_tree(session)
    data = OrganisationCreate(code="QD2", name="另一个市委", level="city")
    with pytest.raises(Forbidden):
        service.add_organisation(session, account=account("editor", "QD"), actor=ACTOR, data=data)
    with pytest.raises(Forbidden):
        service.add_organisation(session, account=account("viewer"), actor=ACTOR, data=data)
    assert org(session, "QD2", "city", None).parent_id is None
