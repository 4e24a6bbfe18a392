"""The demo education library: generated titles and one-line descriptions (no texts of any publication), every
one marked 演示 in its title and ``is_demo``; and a year of generated study records for the demo members."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from cityservices.party_day.activities.models import CONTENTS
from cityservices.party_day.education.models import RESOURCE_KINDS, Resource
from cityservices.party_day.education.schemas import ResourceCreate
from cityservices.party_day.education.service import new_resource
from cityservices.party_day.organisation.models import BRANCH_KINDS

# (subject, keywords, content) — generic study subjects; the titles are generated, never a publication's title.
SUBJECTS = (
    ("党章基本知识", ["党章", "党员义务"], "理论学习"),
    ("党史重要事件概览", ["党史", "学习教育"], "党性教育"),
    ("入党誓词与初心使命", ["入党誓词", "初心"], "党性教育"),
    ("“三会一课”怎么开", ["三会一课", "支部建设"], "组织生活"),
    ("组织生活会与民主评议", ["组织生活会", "民主评议"], "组织生活"),
    ("党费交纳常识", ["党费", "党员义务"], "组织生活"),
    ("“四议两公开”工作法", ["四议两公开", "村务"], "民主议事"),
    ("居民议事会的组织", ["议事", "社区治理"], "民主议事"),
    ("志愿服务活动的策划", ["志愿服务", "为民服务"], "志愿服务"),
    ("红色教育基地现场教学", ["现场教学", "红色教育"], "党性教育"),
    ("廉洁自律教育", ["廉洁", "纪律"], "党性教育"),
    ("基层治理中的党建引领", ["党建引领", "基层治理"], "理论学习"),
)
FORMS = {"course": "微党课", "document": "学习资料", "audio": "音频讲解", "video": "视频课"}
KIND_MINUTES = {"course": (20, 45), "document": (15, 30), "audio": (10, 25), "video": (15, 40)}
STUDY_DAYS = 6  # study records per member in the demo year (besides the Party Days)


def demo_resources(seed: int) -> list[Resource]:
    """Every subject in every form, tagged with its content and (for some) branch kinds."""
    rng = random.Random(seed)
    kinds = list(BRANCH_KINDS)
    rows = []
    for subject, keywords, content in SUBJECTS:
        for kind in RESOURCE_KINDS:
            low, high = KIND_MINUTES[kind]
            extra = rng.choice([c for c in CONTENTS if c != content])
            data = ResourceCreate(
                title=f"{subject}（{FORMS[kind]}·演示）",
                kind=kind,
                description=f"演示数据：围绕“{subject}”的{FORMS[kind]}简介，供演示检索与学时登记，非真实出版物。",
                contents=[content, extra] if rng.random() < 0.3 else [content],
                branch_kinds=sorted(rng.sample(kinds, 2)) if rng.random() < 0.3 else [],
                keywords=list(keywords),
                minutes=rng.randint(low, high),
                is_demo=True,
            )
            rows.append(new_resource(data))
    return rows


def study_for(rng: random.Random, member_id: int, resources: list[Resource], year: int) -> list[dict[str, Any]]:
    """A member's study records of the demo year, January–November."""
    out = []
    for _ in range(rng.randint(STUDY_DAYS - 3, STUDY_DAYS + 3)):
        resource = rng.choice(resources)
        day = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
        minutes = resource.minutes * rng.choice((1, 1, 2, 3))
        out.append({"member_id": member_id, "resource_id": resource.id, "studied_on": day, "minutes": minutes,
                    "note": None, "is_demo": True})  # fmt: skip
    return out
