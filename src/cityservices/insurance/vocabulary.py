"""The national platform's code lists this domain uses (医疗保障信息平台), with Chinese labels.

Values are the national codes (``insutype`` 310, ``psn_type`` 1101 …); names in code are English.
"""

from __future__ import annotations

from typing import Final, Literal

Insutype = Literal["310", "320", "330", "390", "392", "410", "510"]
INSUTYPE_ZH: Final[dict[str, str]] = {
    "310": "职工基本医疗保险",
    "320": "公务员医疗补助",
    "330": "大额医疗费用补助",
    "390": "城乡居民基本医疗保险",
    "392": "城乡居民大病医疗保险",
    "410": "长期护理保险",
    "510": "生育保险",
}

PSN_TYPE_ZH: Final[dict[str, str]] = {
    "1101": "在职职工",
    "1102": "在职公务员",
    "1103": "在职灵活就业人员",
    "1201": "退休职工",
    "1202": "退休公务员",
    "1203": "退休灵活就业人员",
    "1300": "离休干部",
    "1401": "新生儿",
    "1402": "学龄前儿童",
    "1403": "中小学生",
    "1404": "大学生",
    "1405": "未成年人",
    "1501": "成年居民",
}

# Which pooled-fund ratio row applies to a person type: in service, retired or resident.
PsnGroup = Literal["in_service", "retired", "resident"]
PSN_GROUP_ZH: Final[dict[str, str]] = {"in_service": "在职", "retired": "退休", "resident": "城乡居民"}
CIVIL_SERVANT_TYPES: Final = frozenset({"1102", "1202"})


def psn_group(psn_type: str) -> PsnGroup:
    if psn_type not in PSN_TYPE_ZH:
        raise ValueError(f"unknown psn_type {psn_type!r}")
    if psn_type.startswith("11"):
        return "in_service"
    if psn_type.startswith("12") or psn_type == "1300":
        return "retired"
    return "resident"


MedType = Literal["11", "13", "14", "21", "24", "51", "52", "53"]
MED_TYPE_ZH: Final[dict[str, str]] = {
    "11": "普通门诊",
    "13": "急诊",
    "14": "门诊慢特病",
    "21": "普通住院",
    "24": "急诊转住院",
    "51": "生育门诊",
    "52": "生育住院",
    "53": "计划生育手术",
}
MedKind = Literal["outpatient", "inpatient"]
MED_KIND_ZH: Final[dict[str, str]] = {"outpatient": "门诊", "inpatient": "住院"}


def med_kind(med_type: str) -> MedKind:
    return "inpatient" if med_type in ("21", "24", "52") else "outpatient"


ChrgitmLv = Literal["01", "02", "03"]
CHRGITM_LV_ZH: Final[dict[str, str]] = {"01": "甲类", "02": "乙类", "03": "丙类（目录外）"}

HospLevel = Literal["1", "2", "3"]
HOSP_LV_ZH: Final[dict[str, str]] = {"1": "一级", "2": "二级", "3": "三级"}

FundPayType = Literal["310100", "310200", "320100", "330100", "390100", "390200", "510100", "610100"]
FUND_PAY_TYPE_ZH: Final[dict[str, str]] = {
    "310100": "职工基本医疗保险统筹基金",
    "310200": "职工基本医疗保险个人账户",
    "320100": "公务员医疗补助",
    "330100": "职工大额医疗费用补助",
    "390100": "城乡居民基本医疗保险基金",
    "390200": "城乡居民大病医疗保险",
    "510100": "生育基金",
    "610100": "医疗救助",
}

ElsewhereKind = Literal["referral", "emergency", "temporary"]
ELSEWHERE_ZH: Final[dict[str, str]] = {
    "referral": "异地转诊",
    "emergency": "异地急诊抢救",
    "temporary": "其他临时外出就医",
}

EXAMPLE_MARK: Final = "示例参数，未经核实"
