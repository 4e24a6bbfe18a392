"""The demo organisation (generated, fictional, marked demo): Qingdao's ten districts, Party committees of
fictional streets and units, a few hundred branches of all seven kinds, a few thousand fictional members.

Deterministic (a seeded generator). ID numbers use the area code ``990000``, which no region has, so that no
generated number can be a real person's; demo members have no phone number (a generated phone is never dialable).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from cityservices.party_day.organisation.models import BRANCH_KINDS
from cityservices.party_day.organisation.validation import with_check_digit

DISTRICTS = (
    ("370202", "市南区"), ("370203", "市北区"), ("370211", "黄岛区"), ("370212", "崂山区"), ("370213", "李沧区"),
    ("370214", "城阳区"), ("370215", "即墨区"), ("370281", "胶州市"), ("370283", "平度市"), ("370285", "莱西市"),
)  # fmt: skip
COMMITTEES_PER_DISTRICT = 3
BRANCHES_PER_COMMITTEE = 10
KIND_WORDS = {
    "village": "村", "community": "社区", "government": "机关", "soe": "公司", "sanxin": "科技企业",
    "school": "学校", "retired": "离退休",
}  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海波宁晨阳光辉鹏飞雪梅丹凤文斌"
ID_AREA = "990000"


@dataclass
class DemoOrg:
    code: str
    name: str
    level: str
    kind: str | None
    parent: str | None


@dataclass
class DemoMember:
    branch: str
    group: str | None
    name: str
    id_number: str
    status: str
    joined_on: dt.date
    full_on: dt.date | None
    roles: list[str] = field(default_factory=list)
    flowing: str = "none"


@dataclass
class DemoTree:
    orgs: list[DemoOrg]
    members: list[DemoMember]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng: random.Random, serial: int) -> tuple[str, dt.date]:
    """A fictional ID number, unique per serial (same last digits → different birth dates), and the birth date."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=serial // 1000 + 365 * rng.randrange(50))
    return with_check_digit(f"{ID_AREA}{birth:%Y%m%d}{serial % 1000:03d}"), birth


def _members(rng: random.Random, branch: str, groups: list[str], serial: int, count: int) -> list[DemoMember]:
    out = []
    for i in range(count):
        id_number, birth = _id_number(rng, serial + i)
        joined = min(birth + dt.timedelta(days=365 * rng.randint(19, 45)), dt.date(2025, 6, 30))
        probationary = i > 0 and rng.random() < 0.04
        if probationary:
            joined = dt.date(2026, rng.randrange(1, 12), rng.randrange(1, 28))
        roles = ["secretary"] if i == 0 else ["committee_member"] if i in (1, 2) and not probationary else []
        group = groups[i % len(groups)] if groups else None
        if group and i < len(groups):
            roles = [*roles, "group_leader"] if not probationary else roles
        out.append(DemoMember(
            branch=branch, group=group, name=_name(rng), id_number=id_number, status=(
                "probationary" if probationary else "full"), joined_on=joined,
            full_on=None if probationary else joined + dt.timedelta(days=365), roles=roles,
            flowing="out" if rng.random() < 0.03 else "none",
        ))  # fmt: skip
    return out


def build_demo_tree(seed: int = 2026) -> DemoTree:
    rng = random.Random(seed)
    kinds = list(BRANCH_KINDS)
    orgs = [DemoOrg("DEMO-QD", "中共青岛市委（演示）", "city", None, None)]
    members: list[DemoMember] = []
    serial = 0
    for d_index, (d_code, d_name) in enumerate(DISTRICTS):
        district = f"DEMO-{d_code}"
        orgs.append(DemoOrg(district, f"中共{d_name}委（演示）", "district", None, "DEMO-QD"))
        for c in range(1, COMMITTEES_PER_DISTRICT + 1):
            committee = f"{district}.C{c}"
            orgs.append(DemoOrg(committee, f"{d_name}示例第{c}街道党工委（演示）", "committee", None, district))
            general_kind = kinds[(d_index + c) % len(kinds)]
            general = f"{committee}.G1"
            orgs.append(DemoOrg(general, f"示例{KIND_WORDS[general_kind]}党总支（演示）", "general_branch",
                                general_kind, committee))  # fmt: skip
            for b in range(1, BRANCHES_PER_COMMITTEE + 1):
                kind = general_kind if b <= 2 else kinds[(d_index * 7 + c * 3 + b) % len(kinds)]
                parent = general if b <= 2 else committee
                branch = f"{parent}.B{b}"
                orgs.append(DemoOrg(branch, f"示例{KIND_WORDS[kind]}第{b}党支部（演示）", "branch", kind, parent))
                size = rng.randint(5, 16)
                groups = []
                if size >= 12:
                    groups = [f"{branch}.P1", f"{branch}.P2"]
                    orgs += [DemoOrg(g, f"第{i}党小组（演示）", "group", kind, branch) for i, g in enumerate(groups, 1)]
                members += _members(rng, branch, groups, serial, size)
                serial += size
    return DemoTree(orgs, members)
