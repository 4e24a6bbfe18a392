"""QR codes (segno): an inline SVG for pages and a PNG for documents. No domain knowledge."""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, scale: int = 4, css_class: str = "qr-code") -> str:
    """An inline ``<svg>`` (no XML declaration), error correction level M."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgclass=css_class)
    return buffer.getvalue().decode()


def qr_png(data: str, *, scale: int = 8, border: int = 2) -> bytes:
    """A PNG of the code (black on white), error correction level M."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def qr_modules(data: str) -> list[list[bool]]:
    """The code's dark modules, row by row (without the quiet zone), for tests and vector drawing."""
    return [[bool(cell) for cell in row] for row in segno.make(data, error="m").matrix]
