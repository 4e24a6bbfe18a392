"""Qingdao city departments (one per business category) and their district branches.

City names are the official names of the Qingdao municipal departments. District branch names follow
the naming pattern of each system; where the exact pattern of a branch is not certain, the branch's
``name`` is listed in ``demo_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import CITY_CODE, COUNTY_CITIES, URBAN_DISTRICTS, Department, Division, short_name


@dataclass(frozen=True)
class DeptSpec:
    suffix: str
    categories: tuple[str, ...]
    city_name: str
    district: str  # pattern: {d} full district name (市南区), {s} short name (市南)
    county: str = ""  # pattern for the county-level cities (胶州市 …); "" = same as ``district``
    certain: bool = True  # the district pattern is the system's real naming pattern
    city_demo: bool = False  # the city name itself is not certain
    rural: bool = False  # no branch in the fully urban districts (市南, 市北, 李沧)
    parent: str = ""  # the organisation that core_items.csv names for this unit, when different


SPECS: tuple[DeptSpec, ...] = (
    DeptSpec("GA", ("公安",), "青岛市公安局", "青岛市公安局{s}分局", "{d}公安局"),
    DeptSpec("CRJ", ("出入境",), "青岛市公安局出入境管理局", "青岛市公安局{s}分局出入境管理大队",
             "{d}公安局出入境管理大队", certain=False, parent="青岛市公安局"),
    DeptSpec("JJ", ("车驾管", "交警"), "青岛市公安局交通警察支队", "青岛市公安局交通警察支队{s}大队",
             "{d}公安局交通警察大队", parent="青岛市公安局"),
    DeptSpec("RS", ("人社",), "青岛市人力资源和社会保障局", "{d}人力资源和社会保障局"),
    DeptSpec("YB", ("医保",), "青岛市医疗保障局", "青岛市医疗保障局{s}分局", certain=False),
    DeptSpec("GJJ", ("公积金",), "青岛市住房公积金管理中心", "青岛市住房公积金管理中心{s}管理处",
             certain=False),
    DeptSpec("MZ", ("民政",), "青岛市民政局", "{d}民政局"),
    DeptSpec("WJ", ("卫健",), "青岛市卫生健康委员会", "{d}卫生健康局"),
    DeptSpec("SP", ("行政审批", "其他"), "青岛市行政审批服务局", "{d}行政审批服务局"),
    DeptSpec("SJ", ("市场监管",), "青岛市市场监督管理局", "{d}市场监督管理局", certain=False),
    DeptSpec("SW", ("税务",), "国家税务总局青岛市税务局", "国家税务总局青岛市{d}税务局",
             "国家税务总局{d}税务局"),
    DeptSpec("ZR", ("自然资源/不动产", "不动产"), "青岛市自然资源和规划局", "青岛市自然资源和规划局{s}分局",
             certain=False),
    DeptSpec("ZJ", ("住建",), "青岛市住房和城乡建设局", "{d}住房和城乡建设局", certain=False),
    DeptSpec("JY", ("教育",), "青岛市教育局", "{d}教育和体育局", certain=False),
    DeptSpec("CL", ("残联",), "青岛市残疾人联合会", "{d}残疾人联合会"),
    DeptSpec("TY", ("退役军人",), "青岛市退役军人事务局", "{d}退役军人事务局"),
    DeptSpec("JT", ("交通",), "青岛市交通运输局", "{d}交通运输局", certain=False),
    DeptSpec("SF", ("司法",), "青岛市司法局", "{d}司法局"),
    DeptSpec("GZ", ("公证",), "青岛市市中公证处", "{d}公证处", certain=False, city_demo=True,
             parent="青岛市司法局"),
    DeptSpec("XF", ("消防",), "青岛市消防救援支队", "青岛市{d}消防救援大队", "{d}消防救援大队"),
    DeptSpec("YC", ("烟草",), "青岛市烟草专卖局", "{d}烟草专卖局", certain=False),
    DeptSpec("NY", ("农业农村",), "青岛市农业农村局", "{d}农业农村局", rural=True),
    DeptSpec("WL", ("文旅",), "青岛市文化和旅游局", "{d}文化和旅游局", certain=False),
    DeptSpec("SL", ("水务",), "青岛市水务管理局", "{d}水务局", certain=False),
    DeptSpec("LY", ("林业",), "青岛市园林和林业局", "{d}园林和林业局", certain=False, rural=True),
    DeptSpec("TI", ("体育",), "青岛市体育局", "{d}体育局", certain=False),
    DeptSpec("HB", ("生态环境",), "青岛市生态环境局", "青岛市生态环境局{s}分局"),
    DeptSpec("GX", ("工信",), "青岛市工业和信息化局", "{d}工业和信息化局", certain=False),
    DeptSpec("TJ", ("统计",), "青岛市统计局", "{d}统计局"),
    DeptSpec("CG", ("城管/综合执法", "公用事业"), "青岛市城市管理局", "{d}城市管理局", certain=False),
    DeptSpec("MW", ("统战/民宗",), "青岛市民族宗教事务局", "{d}民族宗教事务局", certain=False),
    DeptSpec("KJ", ("科技",), "青岛市科学技术局", "{d}科学技术局", certain=False),
    DeptSpec("CZ", ("财政",), "青岛市财政局", "{d}财政局"),
    DeptSpec("YJ", ("应急管理",), "青岛市应急管理局", "{d}应急管理局"),
    DeptSpec("SWJ", ("商务",), "青岛市商务局", "{d}商务局", certain=False),
    DeptSpec("ZF", ("政府办",), "青岛市人民政府办公厅", "{d}人民政府办公室"),
    DeptSpec("DW", ("党委办",), "中共青岛市委办公厅", "中共{d}委办公室"),
    DeptSpec("RF", ("人防",), "青岛市人民防空办公室", "{d}人民防空办公室", certain=False),
    DeptSpec("FG", ("发改",), "青岛市发展和改革委员会", "{d}发展和改革局", certain=False),
    DeptSpec("XC", ("宣传/新闻出版",), "中共青岛市委宣传部", "中共{d}委宣传部"),
    DeptSpec("QX", ("气象",), "青岛市气象局", "{d}气象局", certain=False, rural=True),
)  # fmt: skip

SPEC_BY_SUFFIX = {spec.suffix: spec for spec in SPECS}
SUFFIX_BY_CATEGORY = {category: spec.suffix for spec in SPECS for category in spec.categories}


def city_code(suffix: str) -> str:
    return f"{CITY_CODE}-{suffix}"


def branch_code(district_code: str, suffix: str) -> str:
    return f"{district_code}-{suffix}"


def department_for_category(category: str) -> str:
    """The city department code of a catalogue ``department_category`` (KeyError if unmapped)."""
    return city_code(SUFFIX_BY_CATEGORY[category])


def has_branch(spec: DeptSpec, district_code: str) -> bool:
    return not (spec.rural and district_code in URBAN_DISTRICTS)


def _branch_name(spec: DeptSpec, district: Division) -> str:
    pattern = spec.county if spec.county and district.code in COUNTY_CITIES else spec.district
    return pattern.format(d=district.name, s=short_name(district.name))


def build_departments(branch_suffixes: set[str], districts: list[Division]) -> list[Department]:
    """City departments for every category, plus district branches for ``branch_suffixes``."""
    result: list[Department] = []
    for spec in SPECS:
        city_demo = ("name",) if spec.city_demo else ()
        result.append(Department(city_code(spec.suffix), spec.city_name, spec.categories[0], CITY_CODE, city_demo))
        if spec.suffix not in branch_suffixes:
            continue
        for district in districts:
            if has_branch(spec, district.code):
                name = _branch_name(spec, district)
                demo_fields = () if spec.certain else ("name",)
                code = branch_code(district.code, spec.suffix)
                result.append(Department(code, name, spec.categories[0], district.code, demo_fields))
    return sorted(result, key=lambda d: d.code)


def core_department(department_name: str, category: str) -> str:
    """The department of a core catalogue row: its category's unit, checked against the named organisation."""
    spec = SPEC_BY_SUFFIX[SUFFIX_BY_CATEGORY[category]]
    if department_name not in (spec.city_name, spec.parent):
        raise ValueError(f"core item department {department_name!r} does not match category {category!r}")
    return city_code(spec.suffix)
