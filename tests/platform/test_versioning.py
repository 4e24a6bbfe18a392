"""The shared editing machinery: If-Match parsing, the stale-version check, version numbering and the per-field
difference, as both the service map's record editing and the insurance rule editing use them."""

from __future__ import annotations

import pytest

from cityservices.errors import Conflict, RequestInvalid
from cityservices.platform.versioning import (
    EMPTY,
    based_on,
    changed_fields,
    etag,
    field_changes,
    next_version,
    require_current,
)


@pytest.mark.parametrize(("header", "expected"), [('"3"', 3), ('W/"12"', 12), ("7", 7), (' "4" ', 4)])
def test_if_match_forms(header: str, expected: int) -> None:
    assert based_on(header, None) == expected
    assert based_on(header, expected) == expected
    assert etag(expected) == f'"{expected}"'


def test_if_match_refused_when_malformed_or_disagreeing() -> None:
    with pytest.raises(RequestInvalid) as bad:
        based_on('"v3"', None, what="规则")
    assert bad.value.field == "If-Match"
    assert "规则" in bad.value.message
    with pytest.raises(RequestInvalid) as disagree:
        based_on('"3"', 4)
    assert disagree.value.field == "base_version"
    assert based_on(None, 5) == 5
    assert based_on(None, None) is None


def test_stale_and_missing_versions_refused() -> None:
    assert require_current(2, 2, stale="旧") == 2
    with pytest.raises(Conflict, match="已被他人修改"):
        require_current(1, 2, stale="已被他人修改")
    with pytest.raises(RequestInvalid) as missing:
        require_current(None, 2, stale="x")
    assert missing.value.field == "base_version"
    assert [next_version(None), next_version(0), next_version(1), next_version(41)] == [1, 1, 2, 42]


def test_field_changes_name_each_changed_field_with_text_values() -> None:
    old = {"amount": "800.00", "valid_to": None, "verified": False, "tags": ["a"], "same": 1}
    new = {"amount": "900.00", "valid_to": "2027-01-01", "verified": True, "tags": ["a", "b"], "same": 1, "n": {"x": 1}}
    assert changed_fields(old, new) == ["amount", "valid_to", "verified", "tags", "n"]
    changes = field_changes(old, new, {"amount": "金额"})
    assert [(c.field, c.label, c.before, c.after) for c in changes] == [
        ("amount", "金额", "800.00", "900.00"),
        ("valid_to", "valid_to", EMPTY, "2027-01-01"),
        ("verified", "verified", "否", "是"),
        ("tags", "tags", "a", "a、b"),
        ("n", "n", EMPTY, '{"x": 1}'),
    ]
    assert [c.after for c in field_changes(None, {"id": "r1"})] == ["r1"]
    assert field_changes(old, old) == []
