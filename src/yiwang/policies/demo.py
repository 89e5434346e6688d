"""Demo policies (演示政策) for the demo city: at least 200 enterprise policies, deterministic and idempotent.

Every policy is a *demo*: its documents are modelled on the kinds of 杭州/浙江 惠企 policies (高新技术企业认定
奖励, 专精特新梯度培育, 小微企业社保补贴, 稳岗返还, 研发投入补助, 首次入规奖励 …) but the titles cited are
marked （演示） and are not real documents. Amounts are in yuan; money facts are in yuan too (see ``facts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from django.db import transaction

from yiwang.accounts.models import Department, Division
from yiwang.policies import services
from yiwang.policies.models import Policy

CITY_CODE = "330100"
YEAR = 2026
WAN = 10_000
MANUFACTURING = [f"{n:02d}" for n in range(13, 44)]
SOFTWARE = ["63", "64", "65"]
TECH_SERVICES = ["73", "74", "75"]
HIGH_TECH, SPECIALISED, SMALL_MICRO, TECH_SME = "高新技术企业", "专精特新", "小微企业", "科技型中小企业"

K = Department.Kind
_DEPARTMENT_NAMES: dict[str, tuple[str, str]] = {
    K.SCIENCE_TECHNOLOGY: ("KJJ", "科学技术局"),
    K.ECONOMY_INFORMATION: ("JXJ", "经济和信息化局"),
    K.HUMAN_RESOURCES: ("RSJ", "人力资源和社会保障局"),
    K.TAX: ("SWJ", "税务局"),
    K.DEVELOPMENT_REFORM: ("FGW", "发展和改革局"),
    K.MARKET_REGULATION: ("SCJGJ", "市场监督管理局"),
}


@dataclass(frozen=True)
class Template:
    """One kind of policy; ``build(scope_name, district_code)`` gives (conditions, amount)."""

    key: str
    title: str
    kind: str
    document: str
    build: Callable[[str | None], tuple[list[dict[str, Any]], dict[str, Any]]]
    budget: int
    route: str = Policy.Route.PROACTIVE


def _leaf(fact: str, op: str, value: Any, clause: str, cid: str) -> dict[str, Any]:
    leaf: dict[str, Any] = {"id": cid, "fact": fact, "op": op, "clause": clause}
    if value is not None:
        leaf["value"] = value
    return leaf


def _tiers(fact: str, *pairs: tuple[int, int]) -> dict[str, Any]:
    return {"tiered": {"fact": fact, "tiers": [{"min": m, "amount": a} for m, a in pairs]}}


def _pct(fact: str, rate: str, cap: int) -> dict[str, Any]:
    return {"percentage": {"fact": fact, "rate": float(rate), "cap": cap}}


def _with_district(
    district: str | None, doc: str, conditions: list[dict[str, Any]], article: str = "第二条"
) -> list[dict[str, Any]]:
    if district is None:
        return conditions
    return [_leaf("district", "eq", district, f"{doc}{article}", "district"), *conditions]


def _t(doc: str, body: Callable[[str], tuple[list[dict[str, Any]], dict[str, Any]]]) -> Any:
    def build(district: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        conditions, amount = body(doc)
        return _with_district(district, doc, conditions), amount

    return build


def _city_templates() -> list[Template]:
    def high_tech(d: str):
        return [
            _leaf("tags", "contains_any", [HIGH_TECH], f"{d}第三条", "high_tech"),
            _leaf("credit_class", "in", ["A", "B"], f"{d}第五条", "credit"),
            _leaf("founding_date", "le", {"years_ago": 1}, f"{d}第三条第二项", "age"),
        ], {"fixed": 200000}

    def specialised(d: str):
        return [
            _leaf("tags", "contains_any", [SPECIALISED], f"{d}第四条", "specialised"),
            _leaf("size", "in", ["small", "medium"], f"{d}第四条第一项", "sme"),
        ], _tiers("annual_revenue", (0, 300000), (5000 * WAN, 500000))

    def social_insurance(d: str):
        return [
            _leaf("tags", "contains_any", [SMALL_MICRO], f"{d}第二条", "small_micro"),
            _leaf("social_insurance_headcount", "between", [1, 100], f"{d}第三条", "insured"),
        ], _tiers("social_insurance_headcount", (1, 5000), (10, 20000), (30, 50000))

    def stable_jobs(d: str):
        return [
            _leaf("social_insurance_headcount", "ge", 10, f"{d}第三条", "insured"),
            _leaf("credit_class", "in", ["A", "B"], f"{d}第四条", "credit"),
        ], _tiers("social_insurance_headcount", (10, 10000), (50, 40000), (200, 120000))

    def rnd(d: str):
        return [
            _leaf("tags", "contains_any", [TECH_SME, HIGH_TECH], f"{d}第五条", "tech"),
            _leaf("tax_paid", "ge", 10 * WAN, f"{d}第六条", "tax"),
        ], _pct("tax_paid", "0.05", 500000)

    def first_above_scale(d: str):
        return [
            _leaf("industry", "in", MANUFACTURING, f"{d}第二条", "manufacturing"),
            _leaf("annual_revenue", "between", [2000 * WAN, 3000 * WAN], f"{d}第三条", "revenue"),
            _leaf("founding_date", "le", {"years_ago": 1}, f"{d}第三条第二项", "age"),
        ], {"fixed": 100000}

    def tax_contribution(d: str):
        return [_leaf("tax_paid", "ge", 100 * WAN, f"{d}第四条", "tax")], _pct("tax_paid", "0.02", 1000000)

    def innovation_voucher(d: str):
        return [_leaf("tags", "contains_all", [TECH_SME], f"{d}第三条", "tech_sme")], {"fixed": 30000}

    def digital(d: str):
        return [
            _leaf("industry", "in", SOFTWARE, f"{d}第二条", "software"),
            _leaf("annual_revenue", "ge", 500 * WAN, f"{d}第三条", "revenue"),
        ], _tiers("annual_revenue", (500 * WAN, 50000), (5000 * WAN, 200000), (50000 * WAN, 500000))

    def startup(d: str):
        return [
            _leaf("founding_date", "ge", {"years_ago": 1}, f"{d}第二条", "new"),
            _leaf("registered_capital", "ge", 100 * WAN, f"{d}第三条", "capital"),
        ], {"fixed": 5000}

    def tech_upgrade(d: str):
        return [
            _leaf("industry", "in", MANUFACTURING, f"{d}第二条", "manufacturing"),
            _leaf("size", "in", ["medium", "large"], f"{d}第三条", "size"),
            _leaf("credit_class", "eq", "A", f"{d}第七条", "credit"),
        ], _pct("registered_capital", "0.01", 2000000)

    def hiring(d: str):
        return [
            _leaf("size", "in", ["small", "micro"], f"{d}第二条", "size"),
            _leaf("headcount", "ge", 10, f"{d}第三条", "headcount"),
        ], _tiers("headcount", (10, 10000), (30, 30000), (100, 60000))

    def credit_a(d: str):
        return [
            _leaf("credit_class", "eq", "A", f"{d}第三条", "credit"),
            _leaf("tax_paid", "ge", 50 * WAN, f"{d}第四条", "tax"),
        ], {"fixed": 50000}

    def biomedicine(d: str):
        return [
            _leaf("industry", "in", ["27", "35"], f"{d}第二条", "industry"),
            _leaf("tags", "contains_any", [HIGH_TECH, SPECIALISED], f"{d}第三条", "qualified"),
        ], {"fixed": 300000}

    def logistics(d: str):
        return [
            _leaf("industry", "in", ["54", "58", "59"], f"{d}第二条", "industry"),
            _leaf("headcount", "ge", 20, f"{d}第三条", "headcount"),
        ], {"fixed": 50000}

    def culture(d: str):
        return [
            _leaf("industry", "in", ["86", "87", "88", "72"], f"{d}第二条", "industry"),
            _leaf("annual_revenue", "ge", 100 * WAN, f"{d}第三条", "revenue"),
            _leaf("tags", "contains_any", [SMALL_MICRO], f"{d}第三条第二项", "small_micro"),
        ], {"fixed": 20000}

    def trade(d: str):
        return [
            _leaf("industry", "eq", "51", f"{d}第二条", "industry"),
            _leaf("annual_revenue", "ge", 5000 * WAN, f"{d}第三条", "revenue"),
        ], _pct("tax_paid", "0.01", 300000)

    def catering(d: str):
        return [
            _leaf("industry", "in", ["61", "62"], f"{d}第二条", "industry"),
            _leaf("size", "in", ["small", "micro"], f"{d}第三条", "size"),
        ], {"fixed": 3000}

    def construction(d: str):
        return [
            _leaf("industry", "in", ["47", "48", "49", "50"], f"{d}第二条", "industry"),
            _leaf("annual_revenue", "ge", 10000 * WAN, f"{d}第三条", "revenue"),
        ], {"fixed": 200000}

    def services_sme(d: str):
        return [
            _leaf("industry", "in", TECH_SERVICES, f"{d}第二条", "industry"),
            {
                "any": [
                    _leaf("tags", "contains_any", [TECH_SME], f"{d}第三条第一项", "tech_sme"),
                    _leaf("headcount", "ge", 50, f"{d}第三条第二项", "headcount"),
                ]
            },
        ], {"fixed": 40000}

    def young_tech(d: str):
        return [
            _leaf("tags", "contains_any", [TECH_SME], f"{d}第二条", "tech_sme"),
            _leaf("founding_date", "ge", {"years_ago": 5}, f"{d}第三条", "young"),
            {"not": _leaf("credit_class", "in", ["C", "D"], f"{d}第六条", "risk")},
        ], {"fixed": 80000}

    def doc(name: str) -> str:
        return f"《杭州市{name}（演示）》"

    rows: list[tuple[str, str, str, str, Callable[[str], Any], int, str]] = [
        (
            "GXJS",
            "高新技术企业认定奖励",
            K.SCIENCE_TECHNOLOGY,
            "高新技术企业认定奖励办法",
            high_tech,
            4000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "ZJTX",
            "专精特新中小企业梯度培育奖励",
            K.ECONOMY_INFORMATION,
            "专精特新中小企业梯度培育实施细则",
            specialised,
            3000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "XWSB",
            "小微企业社会保险补贴",
            K.HUMAN_RESOURCES,
            "小微企业社会保险补贴办法",
            social_insurance,
            2000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "WGFH",
            "失业保险稳岗返还",
            K.HUMAN_RESOURCES,
            "失业保险稳岗返还实施办法",
            stable_jobs,
            3000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "YFBZ",
            "企业研发投入后补助",
            K.SCIENCE_TECHNOLOGY,
            "企业研发投入后补助管理办法",
            rnd,
            5000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "SCRG",
            "工业企业首次入规奖励",
            K.ECONOMY_INFORMATION,
            "推动小微工业企业上规模实施意见",
            first_above_scale,
            1000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "NSGX",
            "企业纳税贡献奖励",
            K.TAX,
            "鼓励企业做大做强纳税贡献奖励办法",
            tax_contribution,
            8000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "CXQ",
            "科技创新券",
            K.SCIENCE_TECHNOLOGY,
            "科技创新券管理办法",
            innovation_voucher,
            1500 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "SZJJ",
            "数字经济核心产业企业奖励",
            K.ECONOMY_INFORMATION,
            "数字经济核心产业发展扶持政策",
            digital,
            6000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "XBQY",
            "新办企业开办补助",
            K.MARKET_REGULATION,
            "优化营商环境新办企业扶持办法",
            startup,
            500 * WAN,
            Policy.Route.FAST_TRACK,
        ),
        (
            "JSGZ",
            "先进制造业企业技术改造奖励",
            K.ECONOMY_INFORMATION,
            "先进制造业技术改造专项资金管理办法",
            tech_upgrade,
            6000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "XNJY",
            "中小微企业吸纳就业补贴",
            K.HUMAN_RESOURCES,
            "就业补助资金管理办法",
            hiring,
            2000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "XYJL",
            "守信激励A类企业奖励",
            K.DEVELOPMENT_REFORM,
            "公共信用守信激励措施清单",
            credit_a,
            1000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "SWYY",
            "生物医药产业扶持",
            K.ECONOMY_INFORMATION,
            "生物医药产业高质量发展若干政策",
            biomedicine,
            3000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "XDWL",
            "现代物流企业发展补贴",
            K.DEVELOPMENT_REFORM,
            "现代物流业发展扶持办法",
            logistics,
            800 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "WHCY",
            "小微文化创意企业扶持",
            K.DEVELOPMENT_REFORM,
            "文化创意产业发展专项资金管理办法",
            culture,
            800 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "WMQY",
            "稳外贸商贸企业奖励",
            K.DEVELOPMENT_REFORM,
            "稳外贸稳外资若干措施",
            trade,
            2000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "CYSK",
            "餐饮住宿小微企业纾困补助",
            K.MARKET_REGULATION,
            "促进服务业领域困难行业恢复发展若干措施",
            catering,
            500 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "JZQY",
            "建筑业企业做大做强奖励",
            K.DEVELOPMENT_REFORM,
            "促进建筑业高质量发展实施意见",
            construction,
            3000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "KJFW",
            "科技服务业企业扶持",
            K.SCIENCE_TECHNOLOGY,
            "科技服务业发展专项资金管理办法",
            services_sme,
            1500 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "CYQY",
            "雏鹰计划科技企业培育",
            K.SCIENCE_TECHNOLOGY,
            "雏鹰计划企业培育实施办法",
            young_tech,
            2000 * WAN,
            Policy.Route.PROACTIVE,
        ),
    ]
    return [
        Template(key, title, kind, doc(name), _t(doc(name), body), budget, route)
        for key, title, kind, name, body, budget, route in rows
    ]


def _district_templates(district: str) -> list[Template]:
    def doc(name: str) -> str:
        return f"《{district}{name}（演示）》"

    def simple(conditions: Callable[[str], list[dict[str, Any]]], amount: dict[str, Any]):
        return lambda d: (conditions(d), amount)

    rows: list[tuple[str, str, str, str, Callable[[str], Any], int, str]] = [
        (
            "GX",
            "高新技术企业区级配套奖励",
            K.SCIENCE_TECHNOLOGY,
            "高新技术企业培育扶持办法",
            simple(
                lambda d: [_leaf("tags", "contains_any", [HIGH_TECH], f"{d}第三条", "high_tech")], {"fixed": 100000}
            ),
            1000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "ZJ",
            "专精特新企业区级培育奖励",
            K.ECONOMY_INFORMATION,
            "专精特新企业培育实施细则",
            simple(
                lambda d: [_leaf("tags", "contains_any", [SPECIALISED], f"{d}第三条", "specialised")], {"fixed": 200000}
            ),
            800 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "SB",
            "小微企业社保补贴",
            K.HUMAN_RESOURCES,
            "小微企业社会保险补贴实施细则",
            simple(
                lambda d: [
                    _leaf("tags", "contains_any", [SMALL_MICRO], f"{d}第二条", "small_micro"),
                    _leaf("social_insurance_headcount", "ge", 3, f"{d}第三条", "insured"),
                ],
                _tiers("social_insurance_headcount", (3, 3000), (20, 15000), (50, 30000)),
            ),
            300 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "WG",
            "稳岗返还区级补充",
            K.HUMAN_RESOURCES,
            "稳就业稳岗位若干措施",
            simple(
                lambda d: [
                    _leaf("social_insurance_headcount", "ge", 5, f"{d}第四条", "insured"),
                    _leaf("credit_class", "in", ["A", "B"], f"{d}第六条", "credit"),
                ],
                _tiers("social_insurance_headcount", (5, 5000), (50, 20000), (200, 60000)),
            ),
            500 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "YF",
            "研发投入补助",
            K.SCIENCE_TECHNOLOGY,
            "企业研发投入补助办法",
            simple(
                lambda d: [
                    _leaf("tags", "contains_any", [TECH_SME], f"{d}第四条", "tech_sme"),
                    _leaf("tax_paid", "ge", 10 * WAN, f"{d}第五条", "tax"),
                ],
                _pct("tax_paid", "0.1", 200000),
            ),
            600 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "RG",
            "首次入规工业企业奖励",
            K.ECONOMY_INFORMATION,
            "小升规工业企业奖励办法",
            simple(
                lambda d: [
                    _leaf("industry", "in", MANUFACTURING, f"{d}第二条", "manufacturing"),
                    _leaf("annual_revenue", "ge", 2000 * WAN, f"{d}第三条", "revenue"),
                    _leaf("founding_date", "le", {"years_ago": 1}, f"{d}第三条第二项", "age"),
                ],
                {"fixed": 50000},
            ),
            300 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "RJ",
            "软件和信息服务业企业扶持",
            K.ECONOMY_INFORMATION,
            "软件和信息服务业发展扶持政策",
            simple(
                lambda d: [
                    _leaf("industry", "in", SOFTWARE, f"{d}第二条", "software"),
                    _leaf("headcount", "ge", 10, f"{d}第三条", "headcount"),
                ],
                _tiers("annual_revenue", (0, 10000), (1000 * WAN, 50000), (10000 * WAN, 150000)),
            ),
            800 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "CY",
            "新办小微企业创业补贴",
            K.HUMAN_RESOURCES,
            "创业担保与创业补贴办法",
            simple(
                lambda d: [
                    _leaf("founding_date", "ge", {"years_ago": 2}, f"{d}第二条", "young"),
                    _leaf("size", "eq", "micro", f"{d}第二条第二项", "micro"),
                ],
                {"fixed": 10000},
            ),
            200 * WAN,
            Policy.Route.FAST_TRACK,
        ),
        (
            "NS",
            "重点纳税企业奖励",
            K.TAX,
            "重点企业服务和奖励办法",
            simple(
                lambda d: [_leaf("tax_paid", "ge", 500 * WAN, f"{d}第三条", "tax")], _pct("tax_paid", "0.01", 500000)
            ),
            1000 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "SM",
            "商贸流通企业扶持",
            K.DEVELOPMENT_REFORM,
            "促进商贸流通业发展若干意见",
            simple(
                lambda d: [
                    _leaf("industry", "in", ["51", "52"], f"{d}第二条", "trade"),
                    _leaf("annual_revenue", "ge", 1000 * WAN, f"{d}第三条", "revenue"),
                ],
                {"fixed": 30000},
            ),
            300 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "KF",
            "科技服务业企业奖励",
            K.SCIENCE_TECHNOLOGY,
            "科技服务业扶持办法",
            simple(
                lambda d: [
                    _leaf("industry", "in", TECH_SERVICES, f"{d}第二条", "industry"),
                    _leaf("tags", "contains_any", [TECH_SME, HIGH_TECH], f"{d}第三条", "tech"),
                ],
                {"fixed": 50000},
            ),
            300 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "JY",
            "吸纳就业补贴",
            K.HUMAN_RESOURCES,
            "就业补助资金使用办法",
            simple(
                lambda d: [
                    _leaf("size", "in", ["small", "micro"], f"{d}第二条", "size"),
                    _leaf("headcount", "ge", 5, f"{d}第三条", "headcount"),
                ],
                _tiers("headcount", (5, 3000), (20, 10000), (50, 20000)),
            ),
            300 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "SZ",
            "制造业数字化改造补助",
            K.ECONOMY_INFORMATION,
            "制造业数字化改造专项资金管理办法",
            simple(
                lambda d: [
                    _leaf("industry", "in", MANUFACTURING, f"{d}第二条", "manufacturing"),
                    _leaf("size", "in", ["small", "medium"], f"{d}第三条", "size"),
                ],
                _pct("registered_capital", "0.02", 300000),
            ),
            800 * WAN,
            Policy.Route.PROACTIVE,
        ),
        (
            "CJ",
            "雏鹰企业培育",
            K.SCIENCE_TECHNOLOGY,
            "雏鹰企业认定和扶持办法",
            simple(
                lambda d: [
                    _leaf("tags", "contains_any", [TECH_SME], f"{d}第二条", "tech_sme"),
                    _leaf("founding_date", "ge", {"years_ago": 5}, f"{d}第三条", "young"),
                    _leaf("headcount", "ge", 5, f"{d}第三条第二项", "headcount"),
                ],
                {"fixed": 50000},
            ),
            300 * WAN,
            Policy.Route.PROACTIVE,
        ),
    ]
    return [
        Template(key, title, kind, doc(name), _t(doc(name), body), budget, route)
        for key, title, kind, name, body, budget, route in rows
    ]


def _department(division: Division, kind: str) -> Department:
    existing = Department.objects.filter(division=division, kind=kind).order_by("code").first()
    if existing is not None:
        return existing
    suffix, name = _DEPARTMENT_NAMES.get(kind, ("QT", "政府办公室"))
    department, _ = Department.objects.get_or_create(
        code=f"{division.code}-{suffix}",
        defaults={"name": f"{division.name}{name}", "kind": kind, "division": division},
    )
    return department


def _plans(city: Division, districts: list[Division]) -> list[tuple[str, Template, Division, str | None]]:
    plans: list[tuple[str, Template, Division, str | None]] = [
        (f"HZ-{t.key}-{YEAR}", t, city, None) for t in _city_templates()
    ]
    for district in districts:
        for t in _district_templates(district.name):
            plans.append((f"{district.code}-{t.key}-{YEAR}", t, district, district.code))
    return plans


def _satisfying(leaf: dict[str, Any], as_of: dt.date) -> Any:
    """A fact value that meets one demo condition (for the policy's own test cases)."""
    op: str = leaf["op"]
    value: Any = leaf.get("value")
    if isinstance(value, dict) and "years_ago" in value:  # dates: a day beyond the bound, on the right side
        bound = as_of.replace(year=as_of.year - int(value["years_ago"]))
        return (bound - dt.timedelta(days=1) if op == "le" else bound + dt.timedelta(days=1)).isoformat()
    if op in {"in", "contains_any", "contains_all"}:
        return list(value) if op != "in" else value[0]
    if op == "between":
        return value[0]
    return value


def demo_cases(conditions: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    """Two test cases per policy: every condition met (eligible), and the first condition's data missing
    (unknown, so the enterprise is not paid without a person checking)."""
    facts = {leaf["fact"]: _satisfying(leaf, as_of) for leaf in conditions}
    missing = {k: v for k, v in facts.items() if k != conditions[0]["fact"]}
    return [
        {"name": "全部条件满足", "as_of": as_of.isoformat(), "facts": facts, "expect": {"result": "true"}},
        {
            "name": f"缺少{conditions[0]['fact']}数据",
            "as_of": as_of.isoformat(),
            "facts": missing,
            "expect": {"result": "unknown"},
        },
    ]


def demo_rules(template: Template, district: str | None) -> str:
    conditions, amount = template.build(district)
    leaves = all("fact" in c for c in conditions)  # groups (any/not) get no generated cases
    facts = {c["fact"] for c in conditions} if leaves else set()
    cases = demo_cases(conditions, dt.date(YEAR, 6, 30)) if leaves and len(facts) == len(conditions) else []
    document: dict[str, Any] = {"conditions": {"all": conditions}, "amount": amount}
    if cases:
        document["cases"] = cases
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@transaction.atomic
def ensure_demo_policies(count: int = 200, *, city_code: str = CITY_CODE) -> int:
    """Create (once) at least ``count`` published demo policies for the city; returns how many were created.

    The plan is the city-level templates, then the district-level ones for each county of the city; when that is
    fewer than ``count`` the next editions (previous years) follow. Needs the city's divisions (seed them first).
    """
    city = Division.objects.filter(code=city_code).first()
    if city is None:
        raise ValueError(f"division {city_code} is missing: seed the demo city first")
    districts = list(Division.objects.filter(parent=city, level=Division.Level.COUNTY).order_by("code"))
    base = _plans(city, districts)
    plans: list[tuple[str, Template, Division, str | None, int]] = []
    edition = 0
    while len(plans) < count:
        year = YEAR - edition
        plans += [(code.replace(f"-{YEAR}", f"-{year}"), t, div, d, year) for code, t, div, d in base]
        edition += 1
    plans = plans[: max(count, len(base))]
    existing = set(Policy.objects.filter(code__in=[p[0] for p in plans]).values_list("code", flat=True))
    created = 0
    for code, template, division, district, year in plans:
        if code in existing:
            continue
        prefix = division.name if district else "杭州市"
        title = template.title if template.title.startswith(prefix) else f"{prefix}{template.title}"
        edition_note = "" if year == YEAR else f"（{year}年度）"
        policy = services.create_policy(
            code=code,
            title=f"{title}{edition_note}",
            department=_department(division, template.kind),
            rules=demo_rules(template, district),
            actor=None,
            budget_total=Decimal(template.budget),
            legal_references=f"{template.document}（演示文件，非真实政策文件）",
            route=template.route,
            valid_from=dt.date(year, 1, 1),
            valid_until=dt.date(YEAR, 12, 31),
        )
        services.publish_policy(policy, actor=None)
        created += 1
    return created
