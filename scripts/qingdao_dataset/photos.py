"""Simple SVG illustrations used as demo venue photos; every one carries a visible "演示图片" label."""

from __future__ import annotations

from pathlib import Path

WIDTH, HEIGHT = 800, 500
PHOTO_URL = "/static/demo-photos/{}"
FONT = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif"


def _frame(title: str, body: str, sky: tuple[str, str] = ("#bfe3ff", "#eef7ff")) -> str:
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" \
height="{HEIGHT}" role="img" aria-label="演示图片：{title}">
  <title>演示图片：{title}</title>
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{sky[0]}"/><stop offset="1" stop-color="{sky[1]}"/>
    </linearGradient>
    <linearGradient id="glass" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#6fa8d6"/><stop offset="1" stop-color="#2f6a9b"/>
    </linearGradient>
  </defs>
  <rect width="{WIDTH}" height="{HEIGHT}" fill="url(#sky)"/>
{body}
  <rect x="0" y="{HEIGHT - 44}" width="{WIDTH}" height="44" fill="#000" fill-opacity="0.55"/>
  <text x="20" y="{HEIGHT - 16}" font-family="{FONT}" font-size="20" fill="#fff">{title}</text>
  <g transform="translate({WIDTH - 170},18)">
    <rect width="150" height="44" rx="8" fill="#d93025"/>
    <text x="75" y="30" text-anchor="middle" font-family="{FONT}" font-size="22" font-weight="bold" \
fill="#fff">演示图片</text>
  </g>
</svg>
"""


def _windows_grid(x: int, y: int, cols: int, rows: int, w: int, h: int, gap: int) -> str:
    cells = []
    for r in range(rows):
        for c in range(cols):
            cx, cy = x + c * (w + gap), y + r * (h + gap)
            cells.append(f'    <rect x="{cx}" y="{cy}" width="{w}" height="{h}" fill="url(#glass)"/>')
    return "\n".join(cells)


def _sign(x: int, y: int, w: int, text: str, size: int = 26) -> str:
    return (
        f'  <rect x="{x}" y="{y}" width="{w}" height="{size + 18}" fill="#b71c1c"/>\n'
        f'  <text x="{x + w // 2}" y="{y + size + 4}" text-anchor="middle" font-family="{FONT}" '
        f'font-size="{size}" fill="#ffd54f" font-weight="bold">{text}</text>'
    )


def city_hall() -> str:
    body = f"""  <rect x="0" y="380" width="{WIDTH}" height="76" fill="#9e9e9e"/>
  <rect x="110" y="90" width="580" height="290" fill="#e0e0e0" stroke="#9e9e9e"/>
  <rect x="80" y="70" width="640" height="24" fill="#cfd8dc"/>
{_windows_grid(130, 150, 9, 3, 50, 40, 12)}
{_sign(250, 100, 300, "政务服务中心")}
  <rect x="350" y="320" width="100" height="60" fill="#37474f"/>
  <rect x="330" y="372" width="140" height="8" fill="#757575"/>"""
    return _frame("市级政务服务中心外景（示意）", body)


def district_hall() -> str:
    body = f"""  <rect x="0" y="390" width="{WIDTH}" height="66" fill="#a5a59f"/>
  <rect x="180" y="130" width="440" height="260" fill="#f5f0e6" stroke="#bcaaa4"/>
{_windows_grid(200, 196, 7, 3, 46, 34, 12)}
{_sign(260, 146, 280, "政务服务中心", 24)}
  <rect x="360" y="334" width="80" height="56" fill="#4e342e"/>
  <circle cx="140" cy="350" r="40" fill="#66bb6a"/><rect x="136" y="350" width="8" height="45" fill="#6d4c41"/>
  <circle cx="660" cy="350" r="40" fill="#66bb6a"/><rect x="656" y="350" width="8" height="45" fill="#6d4c41"/>"""
    return _frame("区（市）政务服务中心外景（示意）", body)


def street_centre() -> str:
    body = f"""  <rect x="0" y="395" width="{WIDTH}" height="61" fill="#b0a999"/>
  <polygon points="200,190 400,120 600,190" fill="#8d6e63"/>
  <rect x="220" y="190" width="360" height="205" fill="#fff8e1" stroke="#bcaaa4"/>
{_windows_grid(245, 250, 5, 2, 48, 34, 12)}
{_sign(270, 200, 260, "便民服务中心", 22)}
  <rect x="370" y="340" width="60" height="55" fill="#5d4037"/>
  <rect x="120" y="330" width="40" height="65" fill="#81c784"/><rect x="640" y="330" width="40" height="65" \
fill="#81c784"/>"""
    return _frame("街道（镇）便民服务中心外景（示意）", body, ("#c8e6ff", "#fffaf0"))


def service_hall() -> str:
    staff = "\n".join(
        f'  <circle cx="{120 + i * 140}" cy="212" r="13" fill="#8d6e63"/>\n'
        f'  <rect x="{100 + i * 140}" y="226" width="40" height="30" rx="10" fill="#455a64"/>'
        for i in range(5)
    )
    chairs = "\n".join(
        f'  <rect x="{90 + i * 70}" y="392" width="50" height="14" rx="4" fill="#1976d2"/>\n'
        f'  <rect x="{95 + i * 70}" y="406" width="6" height="18" fill="#546e7a"/>\n'
        f'  <rect x="{129 + i * 70}" y="406" width="6" height="18" fill="#546e7a"/>'
        for i in range(9)
    )
    counters = "\n".join(
        f'  <rect x="{60 + i * 140}" y="250" width="120" height="90" fill="#eceff1" stroke="#90a4ae"/>\n'
        f'  <rect x="{70 + i * 140}" y="230" width="100" height="22" fill="#1565c0"/>\n'
        f'  <text x="{120 + i * 140}" y="247" text-anchor="middle" font-family="{FONT}" font-size="15" '
        f'fill="#fff">{i + 1}号窗口</text>'
        for i in range(5)
    )
    body = f"""  <rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f1f3f4"/>
  <rect x="0" y="340" width="{WIDTH}" height="116" fill="#cfd8dc"/>
  <rect x="230" y="40" width="340" height="90" rx="6" fill="#263238"/>
  <text x="400" y="80" text-anchor="middle" font-family="{FONT}" font-size="24" \
fill="#76ff03">请 A018 号到 3 号窗口</text>
  <text x="400" y="114" text-anchor="middle" font-family="{FONT}" font-size="18" fill="#b2ff59">综合受理 · 叫号屏</text>
{staff}
{counters}
{chairs}"""
    return _frame("服务大厅与综合受理窗口（示意）", body)


def self_service() -> str:
    kiosks = "\n".join(
        f'  <rect x="{140 + i * 190}" y="150" width="120" height="230" rx="10" fill="#1e88e5"/>\n'
        f'  <rect x="{155 + i * 190}" y="170" width="90" height="110" fill="#e3f2fd"/>\n'
        f'  <rect x="{165 + i * 190}" y="185" width="70" height="10" fill="#90caf9"/>\n'
        f'  <rect x="{165 + i * 190}" y="205" width="50" height="10" fill="#90caf9"/>\n'
        f'  <rect x="{165 + i * 190}" y="245" width="70" height="22" rx="4" fill="#1e88e5"/>\n'
        f'  <rect x="{170 + i * 190}" y="300" width="60" height="10" fill="#0d47a1"/>'
        for i in range(3)
    )
    body = f"""  <rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f7f9fb"/>
  <rect x="0" y="380" width="{WIDTH}" height="76" fill="#cfd8dc"/>
  <text x="400" y="100" text-anchor="middle" font-family="{FONT}" font-size="30" fill="#37474f">24小时自助服务区</text>
{kiosks}"""
    return _frame("24小时自助服务区（示意）", body)


PHOTOS: dict[str, tuple[str, str]] = {
    # file name → (caption, svg)
    "city-hall.svg": ("市级政务服务中心外景", city_hall()),
    "district-hall.svg": ("区（市）政务服务中心外景", district_hall()),
    "street-centre.svg": ("便民服务中心外景", street_centre()),
    "service-hall.svg": ("服务大厅", service_hall()),
    "self-service.svg": ("24小时自助服务区", self_service()),
}


def write_photos(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    for file_name, (_, svg) in PHOTOS.items():
        (directory / file_name).write_text(svg, encoding="utf-8")
    return len(PHOTOS)


def photo_refs(level: str, kiosks: bool) -> list[dict[str, str]]:
    """The photo list of a venue: its façade, the hall and (where there are kiosks) the self-service area."""
    facade = {"city": "city-hall.svg", "district": "district-hall.svg"}.get(level, "street-centre.svg")
    files = [facade, "service-hall.svg"] + (["self-service.svg"] if kiosks else [])
    return [{"url": PHOTO_URL.format(f), "caption": f"演示图片：{PHOTOS[f][0]}"} for f in files]
