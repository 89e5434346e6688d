"""Deterministic synthetic enterprises and policies for the benchmarks and the rule engine's tests.

Kept out of ``src/yiwang/rules`` (the engine keeps only the engine); tests import it as ``benchmarks.synthetic``.
Enterprises follow the engine's example schema (``src/yiwang/rules/examples/schema_enterprise.yaml``): 13
districts of Hangzhou, GB/T 4754 industry divisions, size classes, qualification tags, revenue and headcount with
long tails, a few per cent of missing values. Policies are drawn from a fixed pool of conditions, as real policy
texts reuse district, industry, tag, size and threshold conditions, so that 12,000 policies share a few hundred
distinct atoms (what the shared-predicate bitmaps of ``yiwang.rules.bitmaps`` exploit). Everything is seeded: the
same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from yiwang.rules.columnar import FactTable, date_to_days
from yiwang.rules.policy import PolicyDef, load_policies
from yiwang.rules.schema import FactSchema, load_schema

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "yiwang" / "rules" / "examples"
DISTRICTS = [
    "330102",
    "330105",
    "330106",
    "330108",
    "330109",
    "330110",
    "330111",
    "330112",
    "330113",
    "330114",
    "330122",
    "330127",
    "330182",
]  # 上城 拱墅 西湖 滨江 萧山 余杭 富阳 临安 临平 钱塘 桐庐 淳安 建德
DISTRICT_WEIGHTS = [9, 10, 10, 9, 13, 14, 6, 5, 8, 7, 3, 2, 4]
SECTIONS = {  # GB/T 4754-2017 门类 → 大类 (2-digit divisions)
    "A": range(1, 6),
    "B": range(6, 13),
    "C": range(13, 44),
    "D": range(44, 47),
    "E": range(47, 51),
    "F": range(51, 53),
    "G": range(53, 61),
    "H": range(61, 63),
    "I": range(63, 66),
    "J": range(66, 70),
    "K": range(70, 71),
    "L": range(71, 73),
    "M": range(73, 76),
    "N": range(76, 80),
    "O": range(80, 83),
    "P": range(83, 84),
    "Q": range(84, 86),
    "R": range(86, 91),
    "S": range(91, 97),
}
SECTION_WEIGHTS = {
    "A": 1,
    "B": 0.3,
    "C": 22,
    "D": 0.5,
    "E": 2,
    "F": 30,
    "G": 3,
    "H": 5,
    "I": 12,
    "J": 2,
    "K": 3,
    "L": 8,
    "M": 6,
    "N": 2,
    "O": 2,
    "P": 1,
    "Q": 0.5,
    "R": 1.5,
    "S": 0.2,
}
TAGS = ["高新技术企业", "专精特新", "小微", "科技型中小企业", "瞪羚企业", "外资企业", "上市企业", "规上企业"]
SIZES = ["large", "medium", "small", "micro"]
CREDIT = ["A", "B", "C", "D"]


def enterprise_schema() -> FactSchema:
    return load_schema(EXAMPLES / "schema_enterprise.yaml")


def _with_missing(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    """Floats get NaN; others a masked array."""
    missing = rng.random(len(values)) < rate
    if values.dtype.kind == "f":
        values = values.copy()
        values[missing] = np.nan
        return values
    return np.ma.MaskedArray(values, mask=missing)


def enterprise_columns(
    n: int, seed: int = 0, as_of: dt.date = dt.date(2026, 6, 30), uscc_order: bool = True
) -> dict[str, Any]:
    """Raw columns (numpy; categories as ``(codes, dictionary)``, tags as ``(bitmask, vocabulary)``).

    With ``uscc_order`` rows come sorted by the USCC, as registry extracts are: characters 3–8 of a USCC
    are the registering authority's division code (GB 32100), so rows are clustered by district.
    """
    rng = np.random.default_rng(seed)
    divisions = [f"{d:02d}" for s in SECTIONS.values() for d in s]
    section_of = [sec for sec, s in SECTIONS.items() for _ in s]
    w = np.array([SECTION_WEIGHTS[sec] / len(SECTIONS[sec]) for sec in section_of])
    industry = rng.choice(len(divisions), n, p=w / w.sum()).astype(np.int32)
    sections = list(SECTIONS)
    section_code = np.array([sections.index(s) for s in section_of], np.int32)[industry]
    district = rng.choice(len(DISTRICTS), n, p=np.array(DISTRICT_WEIGHTS) / sum(DISTRICT_WEIGHTS)).astype(np.int32)
    headcount = np.round(rng.lognormal(2.3, 1.3, n)).astype(np.int64)
    revenue = np.round(headcount * rng.lognormal(13.0, 0.9, n), -2)
    size = np.select(
        [
            (headcount >= 1000) & (revenue >= 4e8),
            (headcount >= 300) | (revenue >= 2e8),
            (headcount >= 20) | (revenue >= 3e6),
        ],
        [0, 1, 2],
        3,
    ).astype(np.int32)
    rd_ratio = np.where(rng.random(n) < 0.35, rng.beta(1.5, 30, n), 0.0)
    tech = rng.random(n) < np.where(rd_ratio > 0.03, 0.45, 0.03)
    tag_bits = [
        tech & (rng.random(n) < 0.5),  # 高新技术企业
        tech & (rng.random(n) < 0.15),  # 专精特新
        size >= 2,  # 小微
        tech,  # 科技型中小企业
        tech & (rng.random(n) < 0.05),  # 瞪羚企业
        rng.random(n) < 0.04,  # 外资企业
        (size == 0) & (rng.random(n) < 0.2),  # 上市企业
        (section_code == sections.index("C")) & (revenue >= 2e7),  # 规上企业
    ]
    tags = np.zeros(n, np.uint64)
    for b, bits in enumerate(tag_bits):
        tags |= bits.astype(np.uint64) << np.uint64(b)
    days = date_to_days(as_of) - np.round(rng.exponential(7.0, n) * 365.25).astype(np.int64) - 30
    insured = np.minimum(headcount, np.round(headcount * rng.uniform(0.6, 1.0, n))).astype(np.int64)
    credit = rng.choice(4, n, p=[0.3, 0.55, 0.12, 0.03]).astype(np.int32)
    credit[rng.random(n) < 0.04] = -1
    env = rng.choice(4, n, p=[0.55, 0.3, 0.12, 0.03]).astype(np.int32)
    env[rng.random(n) < 0.07] = -1
    columns = {
        "district": (district, DISTRICTS),
        "industry": (industry, divisions),
        "industry_section": (section_code, sections),
        "size_class": (size, SIZES),
        "ownership": (
            rng.choice(4, n, p=[0.02, 0.9, 0.05, 0.03]).astype(np.int32),
            ["state", "private", "foreign", "collective"],
        ),
        "tags": (tags, TAGS),
        "credit_class": (credit, CREDIT),
        "env_rating": (env, ["green", "blue", "yellow", "red"]),
        "revenue": _with_missing(rng, revenue, 0.05),
        "revenue_last_year": _with_missing(rng, np.round(revenue / rng.lognormal(0.05, 0.2, n), -2), 0.08),
        "revenue_growth": _with_missing(rng, np.round(rng.normal(0.06, 0.2, n), 4), 0.08),
        "tax_paid": _with_missing(rng, np.round(revenue * rng.uniform(0.01, 0.06, n), 2), 0.03),
        "tax_growth": _with_missing(rng, np.round(rng.normal(0.04, 0.25, n), 4), 0.08),
        "headcount": _with_missing(rng, headcount, 0.02),
        "social_insurance_headcount": insured,
        "new_hires": rng.poisson(np.maximum(headcount * 0.08, 0.1)).astype(np.int64),
        "graduate_hires": rng.poisson(np.maximum(headcount * 0.02, 0.02)).astype(np.int64),
        "disabled_employees": rng.poisson(np.maximum(headcount * 0.005, 0.01)).astype(np.int64),
        "registered_capital": np.round(rng.lognormal(14.5, 1.4, n), -3),
        "founding_date": days.astype("datetime64[D]"),
        "rd_expense": _with_missing(rng, np.round(revenue * rd_ratio, 2), 0.1),
        "rd_ratio": _with_missing(rng, np.round(rd_ratio, 4), 0.1),
        "patents": rng.poisson(np.where(tech, 8.0, 0.3)).astype(np.int64),
        "invention_patents": rng.poisson(np.where(tech, 2.0, 0.05)).astype(np.int64),
        "trademarks": rng.poisson(1.0, n).astype(np.int64),
        "export_flag": rng.random(n) < 0.12,
        "export_value": np.round(np.where(rng.random(n) < 0.12, revenue * rng.uniform(0.1, 0.8, n), 0.0), 2),
        "listed": (size == 0) & (rng.random(n) < 0.2),
        "abnormal_operation": _with_missing(rng, rng.random(n) < 0.06, 0.01),
        "serious_violation": rng.random(n) < 0.01,
        "penalties_3y": rng.poisson(0.15, n).astype(np.int64),
        "energy_consumption": _with_missing(rng, np.round(rng.lognormal(3.0, 1.8, n), 1), 0.3),
        "fixed_asset_investment": np.round(rng.lognormal(12.0, 2.0, n), -2),
        "digital_level": rng.integers(1, 6, n).astype(np.int64),
        "floor_area": np.round(rng.lognormal(5.0, 1.2, n), 1),
        "incubated": tech & (rng.random(n) < 0.1),
        "veteran_founder": rng.random(n) < 0.02,
        "loan_balance": _with_missing(rng, np.round(rng.lognormal(13.0, 2.0, n), -2), 0.2),
    }
    if not uscc_order:
        return columns
    perm = np.argsort(district, kind="stable")
    return {name: _permute(col, perm) for name, col in columns.items()}


def _permute(col: Any, perm: np.ndarray) -> Any:
    if isinstance(col, tuple):
        return (col[0][perm], *col[1:])
    return col[perm]


def generate_enterprises(
    n: int, seed: int = 0, as_of: dt.date = dt.date(2026, 6, 30), uscc_order: bool = True
) -> FactTable:
    """A seeded FactTable of ``n`` enterprises (see ``enterprise_columns``)."""
    return FactTable.from_columns(enterprise_schema(), enterprise_columns(n, seed, as_of, uscc_order))


def _condition_pool() -> list[dict[str, Any]]:
    """The conditions policies are drawn from (the "shared vocabulary" of real policy texts)."""
    leaf = lambda fact, op, value=None: {"fact": fact, "op": op, **({"value": value} if value is not None else {})}  # noqa: E731
    pool: list[dict[str, Any]] = []
    groups = [
        ["13", "14", "15"],
        ["26", "27"],
        ["34", "35"],
        ["38", "39", "40"],
        ["63", "64", "65"],
        ["51", "52"],
        ["73", "74", "75"],
        ["61", "62"],
        ["36", "37"],
        ["30", "31", "32", "33"],
    ]
    pool += [leaf("industry", "in", g) for g in groups]
    pool += [
        leaf("industry", "eq", d)
        for d in [
            "13",
            "14",
            "17",
            "18",
            "22",
            "26",
            "27",
            "29",
            "33",
            "34",
            "35",
            "36",
            "38",
            "39",
            "40",
            "44",
            "47",
            "48",
            "51",
            "52",
            "54",
            "59",
            "61",
            "62",
            "64",
            "65",
            "71",
            "72",
            "73",
            "75",
            "78",
            "86",
            "88",
        ]
    ]
    pool += [leaf("industry_section", "eq", s) for s in SECTIONS]
    pool += [
        leaf("size_class", "in", ["small", "micro"]),
        leaf("size_class", "eq", "micro"),
        leaf("size_class", "in", ["medium", "large"]),
        leaf("size_class", "ne", "large"),
    ]
    tag_sets = [
        ["高新技术企业"],
        ["专精特新"],
        ["小微"],
        ["科技型中小企业"],
        ["瞪羚企业"],
        ["高新技术企业", "科技型中小企业"],
        ["专精特新", "瞪羚企业"],
        ["规上企业"],
        ["外资企业"],
    ]
    pool += [leaf("tags", "contains_any", t) for t in tag_sets] + [
        leaf("tags", "contains_all", ["高新技术企业", "专精特新"])
    ]
    thresholds: list[tuple[str, list[float], tuple[str, ...]]] = [
        ("revenue", [1e6, 3e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9], ("ge", "lt")),
        ("revenue_growth", [0.0, 0.05, 0.1, 0.15, 0.2, 0.3], ("ge",)),
        ("tax_paid", [5e4, 1e5, 3e5, 5e5, 1e6, 5e6, 1e7], ("ge",)),
        ("tax_growth", [0.0, 0.1, 0.2], ("ge",)),
        ("headcount", [5, 10, 20, 50, 100, 200, 300, 1000], ("ge", "le")),
        ("social_insurance_headcount", [5, 10, 20, 50, 100], ("ge",)),
        ("new_hires", [1, 3, 5, 10, 20, 50], ("ge",)),
        ("graduate_hires", [1, 2, 3, 5, 10], ("ge",)),
        ("disabled_employees", [1, 2], ("ge",)),
        ("registered_capital", [1e6, 3e6, 5e6, 1e7, 5e7], ("ge",)),
        ("rd_ratio", [0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1], ("ge",)),
        ("rd_expense", [1e5, 5e5, 1e6, 5e6, 1e7], ("ge",)),
        ("patents", [1, 3, 5, 10], ("ge",)),
        ("invention_patents", [1, 2, 3, 5], ("ge",)),
        ("export_value", [1e6, 5e6, 1e7], ("ge",)),
        ("energy_consumption", [100.0, 1000.0, 5000.0], ("le", "ge")),
        ("fixed_asset_investment", [1e6, 5e6, 1e7, 5e7], ("ge",)),
        ("digital_level", [2, 3, 4, 5], ("ge",)),
        ("floor_area", [50.0, 200.0, 1000.0], ("ge",)),
        ("loan_balance", [1e6, 1e7], ("ge", "le")),
        ("revenue_last_year", [1e6, 5e6, 2e7, 1e8], ("ge",)),
        ("trademarks", [1, 3], ("ge",)),
        ("registered_capital", [1e5, 5e5], ("le",)),
        ("penalties_3y", [0, 1, 2], ("le",)),
    ]
    for fact, values, ops in thresholds:
        pool += [
            leaf(
                fact,
                op,
                int(v)
                if fact
                in (
                    "headcount",
                    "social_insurance_headcount",
                    "new_hires",
                    "graduate_hires",
                    "disabled_employees",
                    "patents",
                    "invention_patents",
                    "digital_level",
                    "penalties_3y",
                )
                else v,
            )
            for v in values
            for op in ops
        ]
    pool += [leaf("founding_date", "le", {"years_ago": y}) for y in (1, 2, 3, 5, 10)]
    pool += [leaf("founding_date", "ge", {"years_ago": y}) for y in (3, 5, 8)]
    pool += [
        leaf("credit_class", "in", ["A", "B"]),
        leaf("credit_class", "eq", "A"),
        leaf("credit_class", "ne", "D"),
        leaf("env_rating", "in", ["green", "blue"]),
        leaf("ownership", "eq", "private"),
        leaf("ownership", "not_in", ["state"]),
    ]
    pool += [
        leaf(f, op) for f in ("export_flag", "listed", "incubated", "veteran_founder") for op in ("is_true", "is_false")
    ]
    pool += [
        leaf("abnormal_operation", "is_false"),
        leaf("serious_violation", "is_false"),
        leaf("penalties_3y", "eq", 0),
        leaf("rd_ratio", "present"),
        leaf("energy_consumption", "missing"),
    ]
    return pool


COMMON: list[
    tuple[dict[str, Any], float]
] = [  # (condition, probability of appearing in a policy): the usual preconditions of 惠企政策
    ({"fact": "abnormal_operation", "op": "is_false"}, 0.5),
    ({"not": {"fact": "serious_violation", "op": "is_true"}}, 0.3),
    ({"fact": "credit_class", "op": "in", "value": ["A", "B"]}, 0.3),
]


def generate_policies(n: int, seed: int = 0, min_conditions: int = 5, max_conditions: int = 10) -> list[dict[str, Any]]:
    """``n`` policy dicts of 5–10 conditions (district, industry, tags, thresholds; some ``any`` and ``not``)."""
    rng = np.random.default_rng(seed + 7919)
    pool = _condition_pool()
    weights = np.array([3.0 if c["fact"] in ("tags", "size_class", "revenue", "headcount") else 1.0 for c in pool])
    weights /= weights.sum()
    district_groups = [[DISTRICTS[i], DISTRICTS[j]] for i, j in [(0, 1), (4, 5), (2, 3), (8, 9), (6, 7)]]
    ors = [[pool[i], pool[j]] for i, j in rng.choice(len(pool), (15, 2), replace=True)]
    policies = []
    for p in range(n):
        k = int(rng.integers(min_conditions, max_conditions + 1))
        conds: list[dict[str, Any]] = []
        r = rng.random()
        if r < 0.7:
            conds.append(
                {
                    "fact": "district",
                    "op": "eq",
                    "value": DISTRICTS[rng.choice(13, p=np.array(DISTRICT_WEIGHTS) / sum(DISTRICT_WEIGHTS))],
                }
            )
        elif r < 0.8:
            conds.append({"fact": "district", "op": "in", "value": district_groups[int(rng.integers(5))]})
        conds += [dict(c) for c, prob in COMMON if rng.random() < prob and len(conds) < k - 1]
        if rng.random() < 0.1 and len(conds) < k:
            conds.append({"any": [dict(c) for c in ors[int(rng.integers(len(ors)))]]})
        picks = rng.choice(len(pool), k, replace=False, p=weights)
        for i in picks:
            if len(conds) >= k:
                break
            conds.append(dict(pool[i]))
        for i, c in enumerate(conds):
            c["clause"] = f"《杭州市惠企政策第{p // 100 + 1}号》第{i + 1}条"
            c["id"] = f"c{i}"
        amounts: list[dict[str, Any]] = [
            {"fixed": int(rng.choice([5000, 10000, 50000, 100000, 200000]))},
            {
                "tiered": {
                    "fact": "headcount",
                    "tiers": [{"min": 0, "amount": 10000}, {"min": 50, "amount": 30000}, {"min": 200, "amount": 80000}],
                }
            },
            {"percentage": {"fact": "rd_expense", "rate": 0.1, "cap": 500000}},
        ]
        amount = amounts[int(rng.integers(3))]
        policies.append(
            {
                "id": f"P{p:05d}",
                "title": f"合成政策 {p}",
                "audience": "enterprise",
                "conditions": {"all": conds},
                "amount": amount,
            }
        )
    return policies


def load_generated_policies(n: int, seed: int = 0) -> list[PolicyDef]:
    return load_policies({"policies": generate_policies(n, seed)}, enterprise_schema())
