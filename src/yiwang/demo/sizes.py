"""Enterprise size classes by the statistical rule 统计上大中小微型企业划分办法（2017）(国统字〔2017〕213号).

The rule sets, per industry, lower bounds of headcount (从业人员 X, persons) and annual revenue (营业收入 Y,
万元) — for a few industries total assets (资产总额 Z) instead — for the large (大型), medium (中型) and small
(小型) classes. A class needs *all* its lower bounds ("须同时满足所列指标的下限，否则下划一档"); a micro
enterprise (微型) needs to meet only one micro criterion, i.e. it is whatever falls below small.

Simplifications, because the demo has only GB/T 4754 divisions (2 digits) and no total assets:

- 工业 (B, C, D), 批发业 (51), 零售业 (52), 交通运输业 (54–58), 仓储业 (59, 591 装卸搬运 included),
  邮政业 (60), 住宿业 (61), 餐饮业 (62), 信息传输业 (63, 64), 软件和信息技术服务业 (65) and
  农、林、牧、渔业 (A) use the table exactly.
- 建筑业 (E) uses its revenue bounds only (the assets bounds are dropped).
- 租赁和商务服务业 (L) uses its headcount bounds only (the assets bounds are dropped).
- 房地产业 (70), which the rule splits into 房地产开发经营 (revenue and assets) and 物业管理, and everything
  else (including 53 铁路运输业, which the rule does not cover, and 金融业, which has its own rule) uses
  其他未列明行业: headcount only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

MICRO, SMALL, MEDIUM, LARGE = "micro", "small", "medium", "large"  # = registries.LegalEntity.Size values
SIZES = (MICRO, SMALL, MEDIUM, LARGE)


class SizeRule(NamedTuple):
    """Lower bounds (small, medium, large) of one industry group; ``None`` where the indicator is not used."""

    group: str
    headcount: tuple[int, int, int] | None  # 从业人员 (persons)
    revenue: tuple[int, int, int] | None  # 营业收入 (万元)


INDUSTRY = SizeRule("工业", (20, 300, 1000), (300, 2000, 40000))
CONSTRUCTION = SizeRule("建筑业", None, (300, 6000, 80000))
WHOLESALE = SizeRule("批发业", (5, 20, 200), (1000, 5000, 40000))
RETAIL = SizeRule("零售业", (10, 50, 300), (100, 500, 20000))
TRANSPORT = SizeRule("交通运输业", (20, 300, 1000), (200, 3000, 30000))
WAREHOUSING = SizeRule("仓储业", (20, 100, 200), (100, 1000, 30000))
POSTAL = SizeRule("邮政业", (20, 300, 1000), (100, 2000, 30000))
ACCOMMODATION = SizeRule("住宿业", (10, 100, 300), (100, 2000, 10000))
CATERING = SizeRule("餐饮业", (10, 100, 300), (100, 2000, 10000))
TELECOM = SizeRule("信息传输业", (10, 100, 2000), (100, 1000, 100000))
SOFTWARE = SizeRule("软件和信息技术服务业", (10, 100, 300), (50, 1000, 10000))
AGRICULTURE = SizeRule("农、林、牧、渔业", None, (50, 500, 20000))
LEASING = SizeRule("租赁和商务服务业", (10, 100, 300), None)
OTHER = SizeRule("其他未列明行业", (10, 100, 300), None)

_BY_DIVISION: dict[str, SizeRule] = {
    "51": WHOLESALE,
    "52": RETAIL,
    **{code: TRANSPORT for code in ("54", "55", "56", "57", "58")},
    "59": WAREHOUSING,
    "60": POSTAL,
    "61": ACCOMMODATION,
    "62": CATERING,
    "63": TELECOM,
    "64": TELECOM,
    "65": SOFTWARE,
    "71": LEASING,
    "72": LEASING,
}


def size_rule_for(industry_code: str) -> SizeRule:
    """The size rule for a GB/T 4754 division code (``"39"``) or a longer code starting with one."""
    division = industry_code[:2]
    if division in _BY_DIVISION:
        return _BY_DIVISION[division]
    if not division.isdigit():
        raise ValueError(f"not a GB/T 4754 division code: {industry_code!r}")
    number = int(division)
    if 1 <= number <= 5:
        return AGRICULTURE
    if 6 <= number <= 46:
        return INDUSTRY
    if 47 <= number <= 50:
        return CONSTRUCTION
    return OTHER


def classify_size(industry_code: str, headcount: int, annual_revenue: Decimal | float | int) -> str:
    """The size class (``"micro"``, ``"small"``, ``"medium"``, ``"large"``) of an enterprise."""
    rule = size_rule_for(industry_code)
    for position, size in ((2, LARGE), (1, MEDIUM), (0, SMALL)):
        if rule.headcount is not None and headcount < rule.headcount[position]:
            continue
        if rule.revenue is not None and annual_revenue < rule.revenue[position]:
            continue
        return size
    return MICRO
