"""Arbitrary Unicode never crashes the pipeline: it is searched or refused with InvalidQuery."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityservices.service_map.search import InvalidQuery, SearchIndex

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=CJK, max_size=40),
    st.text(alphabet=st.one_of(CJK, st.sampled_from("abcdefghijklmnopqrstuvwxyz 0123456789")), max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=TEXT)
def test_any_text_is_answered_or_refused(demo_index: SearchIndex, query: str) -> None:
    try:
        result = demo_index.search(query, limit=5)
    except InvalidQuery as exc:
        message = exc.detail
        result = None
    if result is None:
        assert message
        return
    assert len(result.items) <= 5
    assert result.no_match == (not result.items)
    scores = [hit.score for hit in result.items]
    assert scores == sorted(scores, reverse=True)
    assert result.model_dump()["query"] == query
