"""The generic PDF and QR kits: a document with Chinese text keeps its words and embeds its font; a machine without
a Chinese font refuses instead of drawing empty boxes; QR codes as PNG and SVG carry the same modules."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from PIL import Image

from cityservices.kit import pdf, qr

needs_font = pytest.mark.skipif(
    not any(Path(path).is_file() for path, _ in pdf.FONT_CANDIDATES), reason="no CJK font (fonts-noto-cjk)"
)


@needs_font
def test_a_document_keeps_its_chinese_words(tmp_path: Path) -> None:
    document = pdf.Document(
        title="测试文书",
        subtitle="副标题",
        number="编号 X1",
        facts=[("名称", "青岛市市南区")],
        table=pdf.Table(header=("列一", "列二"), rows=[("甲", "乙")], widths=(1, 2)),
        notes=["一、说明" + "很长的说明" * 30],
        qr_png=qr.qr_png("https://example.test/x"),
        qr_caption="扫码",
        closing="特此证明。",
        footer="出具单位",
        watermark="演示数据",
    )
    data = pdf.render(document)
    assert data.startswith(b"%PDF-")
    assert b"/FontFile" in data
    if shutil.which("pdftotext"):
        path = tmp_path / "doc.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        for words in ("测试文书", "青岛市市南区", "列二", "特此证明", "出具单位"):
            assert words in text


def test_no_chinese_font_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    monkeypatch.setattr(pdf, "BOLD_CANDIDATES", ())
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    with pytest.raises(pdf.FontMissing):
        pdf.render(pdf.Document(title="参保证明"))


def test_qr_png_and_svg_carry_the_modules() -> None:
    data = "https://example.test/insurance/certificates/verify/C2026120700000000.abc"
    modules = qr.qr_modules(data)
    assert modules == [[bool(c) for c in row] for row in segno.make(data, error="m").matrix]
    size = len(modules)
    with Image.open(io.BytesIO(qr.qr_png(data, scale=4, border=2))) as image:
        assert image.size == ((size + 4) * 4, (size + 4) * 4)
        grey = image.convert("L")
        assert grey.getpixel((0, 0)) == 255  # the quiet zone is white
        assert grey.getpixel((2 * 4, 2 * 4)) == 0  # the finder pattern's corner is dark
    svg = qr.qr_svg(data)
    assert svg.startswith("<svg")
    assert 'class="qr-code"' in svg
