"""Small PDF documents with Chinese text (fpdf2): a title, labelled facts, a table, notes and a QR code; the CJK
font embedded as a subset. No domain knowledge: callers pass the words.

The font is looked up in the Noto Sans CJK / Noto Serif CJK files that Debian's ``fonts-noto-cjk`` installs
(SIL Open Font License 1.1), then WenQuanYi (``fonts-wqy-*``); ``fc-match`` is asked last. A document
that cannot find one is refused rather than drawn with empty boxes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode

from cityservices.errors import Unavailable

FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: Simplified Chinese (SC)
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)
BOLD_CANDIDATES = (("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),)


class FontMissing(Unavailable):
    """No font with Chinese glyphs on this machine (install ``fonts-noto-cjk``): 503, nothing is printed."""

    code = "font_missing"


def _collection_index(path: str) -> int:
    for candidate, index in FONT_CANDIDATES + BOLD_CANDIDATES:
        if candidate == path:
            return index
    return 0


def find_cjk_font(*, bold: bool = False) -> tuple[str, int]:
    """The path of a font with Chinese glyphs and its index inside a collection."""
    for path, index in (BOLD_CANDIDATES if bold else ()) + FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and Path(found).is_file() and found.lower().endswith((".ttf", ".otf", ".ttc")):
            return found, _collection_index(found)
    raise FontMissing("没有可用的中文字体（fonts-noto-cjk）")


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]  # relative widths of the columns


@dataclass
class Document:
    """What goes on one A4 page, top to bottom."""

    title: str
    subtitle: str = ""
    number: str = ""  # printed at the top right (a document number)
    facts: list[tuple[str, str]] = field(default_factory=list)  # label, value
    table: Table | None = None
    notes: list[str] = field(default_factory=list)
    qr_png: bytes | None = None
    qr_caption: str = ""
    closing: str = ""  # a sentence above the footer (e.g. 特此证明。)
    footer: str = ""
    watermark: str = ""  # large grey words across the page (e.g. a demo mark)
    keywords: str = ""


INK = (25, 25, 25)
MUTED = (95, 95, 95)
RULE = (150, 30, 30)


def render(document: Document) -> bytes:
    """The document as PDF bytes (fonts embedded as subsets)."""
    regular, regular_index = find_cjk_font()
    bold, bold_index = find_cjk_font(bold=True)
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("cjk", "", regular, collection_font_number=regular_index)
    pdf.add_font("cjk", "B", bold, collection_font_number=bold_index)
    pdf.set_title(document.title)
    pdf.set_creator("cityservices")
    if document.keywords:
        pdf.set_keywords(document.keywords)
    pdf.add_page()
    if document.watermark:
        _watermark(pdf, document.watermark)
    _heading(pdf, document)
    _facts(pdf, document.facts)
    if document.table is not None:
        _table(pdf, document.table)
    _closing(pdf, document)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def _watermark(pdf: FPDF, text: str) -> None:
    pdf.set_font("cjk", "B", 54)
    pdf.set_text_color(236, 236, 236)
    with pdf.rotation(30, x=105, y=160):
        pdf.text(38, 170, text)
    pdf.set_text_color(*INK)


def _heading(pdf: FPDF, document: Document) -> None:
    if document.number:
        pdf.set_font("cjk", "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 5, document.number, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("cjk", "B", 22)
    pdf.cell(0, 14, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if document.subtitle:
        pdf.set_font("cjk", "", 11)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 7, document.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.8)
    y = pdf.get_y() + 2
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.set_y(y + 5)


def _facts(pdf: FPDF, facts: Sequence[tuple[str, str]]) -> None:
    pdf.set_draw_color(180, 180, 180)
    label_w = 38.0
    value_w = pdf.w - pdf.l_margin - pdf.r_margin - label_w
    for label, value in facts:
        pdf.set_font("cjk", "B", 11)
        pdf.set_fill_color(245, 242, 236)
        pdf.cell(label_w, 9, label, border=1, fill=True, new_x="RIGHT", new_y="TOP")
        pdf.set_font("cjk", "", 11)
        pdf.cell(value_w, 9, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _table(pdf: FPDF, table: Table) -> None:
    total = sum(table.widths)
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    widths = [usable * w / total for w in table.widths]
    pdf.set_font("cjk", "B", 10.5)
    pdf.set_fill_color(150, 30, 30)
    pdf.set_text_color(255, 255, 255)
    for text, width in zip(table.header, widths, strict=True):
        pdf.cell(width, 8, text, border=1, align="C", fill=True)
    pdf.ln()
    pdf.set_text_color(*INK)
    pdf.set_font("cjk", "", 10.5)
    for index, row in enumerate(table.rows):
        pdf.set_fill_color(*((250, 248, 244) if index % 2 else (255, 255, 255)))
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, 8, text, border=1, align="C", fill=True)
        pdf.ln()
    pdf.ln(6)


def _closing(pdf: FPDF, document: Document) -> None:
    qr_size = 34.0
    top = pdf.get_y()
    text_w = pdf.w - pdf.l_margin - pdf.r_margin - (qr_size + 8 if document.qr_png else 0)
    pdf.set_font("cjk", "", 9.5)
    pdf.set_text_color(*MUTED)
    for note in document.notes:  # Chinese has no spaces to break at: wrap by character
        pdf.multi_cell(text_w, 5.5, note, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    if document.qr_png:
        x = pdf.w - pdf.r_margin - qr_size
        pdf.image(io.BytesIO(document.qr_png), x=x, y=top, w=qr_size, h=qr_size)
        if document.qr_caption:
            pdf.set_xy(x - 6, top + qr_size + 1)
            pdf.set_font("cjk", "", 8.5)
            pdf.cell(qr_size + 12, 5, document.qr_caption, align="C")
        pdf.set_y(max(pdf.get_y(), top + qr_size + 8))
    if document.closing:
        pdf.ln(3)
        pdf.set_font("cjk", "", 11)
        pdf.set_text_color(*INK)
        pdf.cell(0, 7, "　　" + document.closing, new_x="LMARGIN", new_y="NEXT")
    if document.footer:
        pdf.ln(4)
        pdf.set_font("cjk", "", 10.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 6, document.footer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
