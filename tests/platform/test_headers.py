"""Reading request headers from the raw ASGI scope."""

from __future__ import annotations

from cityservices.platform.headers import first_headers


def test_the_first_value_of_each_asked_header_or_none() -> None:
    scope = {"headers": [(b"accept-encoding", b"gzip"), (b"if-none-match", b'"a"'), (b"accept-encoding", b"br")]}
    assert first_headers(scope, b"if-none-match", b"accept-encoding") == ['"a"', "gzip"]
    assert first_headers(scope, b"content-type", b"accept-encoding") == [None, "gzip"]
    assert first_headers({"headers": []}, b"content-length") == [None]
