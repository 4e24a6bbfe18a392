"""Cursors (opaque, URL-safe, tamper-evident, bound to one list) and page slicing."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityservices.kit.pagination import (
    MAX_CURSOR_CHARS,
    CursorError,
    Page,
    PageRequest,
    PageSlice,
    cut,
    decode_cursor,
    encode_cursor,
    slice_in_memory,
)

keys = st.tuples(st.one_of(st.text(max_size=60), st.integers(min_value=-(2**53), max_value=2**53)))


@given(scope=st.sampled_from(["venues", "items"]), key=keys)
def test_a_cursor_round_trips_and_is_url_safe(scope: str, key: tuple[str | int]) -> None:
    token = encode_cursor(scope, key)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    if len(token) <= MAX_CURSOR_CHARS:
        assert decode_cursor(token, scope=scope) == key


def test_every_single_character_edit_is_refused() -> None:
    token = encode_cursor("venues", ("V370202001",))
    alphabet = "AQgw_-z9"
    for position in range(len(token)):
        for replacement in alphabet:
            edited = token[:position] + replacement + token[position + 1 :]
            if edited == token:
                continue
            with pytest.raises(CursorError):
                decode_cursor(edited, scope="venues")


@pytest.mark.parametrize("token", ["", "!!!", "a b", "A" * (MAX_CURSOR_CHARS + 1), "AAAA", "A", "ab=="])
def test_malformed_cursors_are_refused(token: str) -> None:
    with pytest.raises(CursorError):
        decode_cursor(token, scope="venues")


def test_a_cursor_of_another_list_or_shape_is_refused() -> None:
    with pytest.raises(CursorError, match="不属于"):
        decode_cursor(encode_cursor("items", ("QD-1",)), scope="venues")
    with pytest.raises(CursorError, match="无效"):
        decode_cursor(encode_cursor("venues", ("a", "b")), scope="venues")


def test_a_forged_payload_without_the_right_tag_is_refused() -> None:
    payload = b'["venues",["V1"]]'
    forged = base64.urlsafe_b64encode(b"\0" * 8 + payload).rstrip(b"=").decode()
    with pytest.raises(CursorError, match="修改"):
        decode_cursor(forged, scope="venues")


def test_cut_keeps_limit_rows_and_the_key_to_continue_at() -> None:
    assert cut([1, 2, 3], 2, lambda r: (r,)) == ([1, 2], (2,))
    assert cut([1, 2], 2, lambda r: (r,)) == ([1, 2], None)
    assert cut([], 5, lambda r: (r,)) == ([], None)


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_in_memory_cursor_walk_equals_offset_walk(limit: int) -> None:
    rows = ["a", "b", "c", "d", "e", "f", "g"]
    walked: list[str] = []
    request, first_after = PageRequest(limit=limit), None
    for _ in rows:
        page = slice_in_memory(rows, request, lambda r: (r,), first_after=first_after)
        assert (page.total, page.offset) == (len(rows), len(walked))
        walked += page.rows
        if page.next_key is None:
            break
        request = PageRequest(limit=limit, after=page.next_key)
        first_after = next((i for i, r in enumerate(rows) if r > str(page.next_key[0])), None)
    by_offset = [
        row
        for o in range(0, len(rows), limit)
        for row in slice_in_memory(rows, PageRequest(limit, o), lambda r: (r,)).rows
    ]
    assert walked == by_offset == rows


def test_in_memory_cursor_past_the_end_is_empty() -> None:
    page = slice_in_memory(["a"], PageRequest(limit=5, after=("z",)), lambda r: (r,), first_after=None)
    assert (page.rows, page.total, page.offset, page.next_key) == ([], 1, 1, None)


def test_page_body() -> None:
    class Numbers(Page[int]):
        pass

    slice_ = PageSlice(rows=[1, 2], total=5, offset=0, next_key=(2,))
    body = Numbers.of(slice_, PageRequest(limit=2), scope="numbers", items=[1, 2])
    assert body.model_dump()["items"] == [1, 2]
    assert body.next_cursor is not None
    assert decode_cursor(body.next_cursor, scope="numbers") == (2,)
    last = Numbers.of(PageSlice(rows=[5], total=5, offset=4, next_key=None), PageRequest(2, 4), scope="n", items=[5])
    assert (last.total, last.offset, last.next_cursor) == (5, 4, None)
