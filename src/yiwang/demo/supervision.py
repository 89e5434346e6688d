"""The demo's 督查督办: the city's major projects, livelihood matters and policies in all three colours (with
gaming flags on two), the default colour rules in force, and a rectification order on a red project.

Loaded from ``demo/data/supervision/items.yaml`` through ``create_item``, ``submit_report``,
``complete_milestone``, ``recompute_colours`` and ``issue_rectification``. Idempotent: an item whose code exists
is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import Department, Division
from yiwang.demo.collaboration import _official
from yiwang.demo.seeding import DemoLogin
from yiwang.supervision import services
from yiwang.supervision.colours import DEFAULT_RULES
from yiwang.supervision.models import ColourRuleSet, Item, RectificationOrder

DATA = Path(__file__).parent / "data" / "supervision"
TEN_THOUSAND = Decimal(10_000)


def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _month(this_month: date, offset: int) -> date:
    """The first day of the month ``offset`` months from ``this_month`` (a first day)."""
    index = this_month.year * 12 + this_month.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def _item(spec: dict[str, Any], city_code: str, this_month: date) -> Item:
    months = spec["months"]
    last = -int(spec.get("silent_months", 0))
    first = _month(this_month, last - len(months) + 1)
    county = spec["county"]
    total = Decimal(spec["planned_total"]) * TEN_THOUSAND
    item = services.create_item(
        actor=None,
        code=spec["code"],
        name=spec["name"],
        category=spec["category"],
        division=Division.objects.get(code=county),
        responsible=Department.objects.get(code=f"{county}-{spec['responsible']}"),
        lead=Department.objects.get(code=f"{city_code}-{spec['lead']}"),
        planned_total=total,
        starts_on=first,
        ends_on=first.replace(year=first.year + 2),
        milestones=[
            (title, _month(this_month, offset) + timedelta(days=14))
            for title, offset, _done in spec.get("milestones", [])
        ],
    )
    invest = spec.get("invest") or [None] * len(months)
    for n, ((plan, actual), ratio) in enumerate(zip(months, invest, strict=True)):
        planned = total * Decimal(plan) / 100
        ratio = Decimal(ratio) / 100 if ratio is not None else Decimal(actual) / Decimal(plan or 1)
        spent = (planned * ratio).quantize(Decimal("0.01"))
        data = {
            "planned_investment": planned.quantize(Decimal("0.01")),
            "actual_investment": spent,
            "planned_progress": plan,
            "actual_progress": actual,
            "photos": spec.get("photos", 3),
            "warning_signals": spec.get("warnings", 0) if n == len(months) - 1 else 0,
            "employment": 40 + 10 * n,
            "registry_investment": (spent * Decimal(str(spec["registry"]))).quantize(Decimal("0.01"))
            if "registry" in spec
            else None,
        }
        services.submit_report(actor=None, item=item, month=_month(first, n), data=data, source="api")
    done = [bool(m[2]) for m in sorted(spec.get("milestones", []), key=lambda m: m[1])]
    for milestone, is_done in zip(item.milestones.order_by("due_on"), done, strict=True):
        if is_done:
            services.complete_milestone(actor=None, milestone=milestone, done_on=milestone.due_on - timedelta(days=3))
    return item


@transaction.atomic
def ensure_demo_supervision(*, city_code: str) -> list[DemoLogin]:
    """Seed the demo's supervised items and their colours; returns the logins of the lead and a responsible unit."""
    config = _load("items.yaml")
    if not all(spec["county"].startswith(city_code[:4]) for spec in config["items"]):
        return []  # the data files describe 杭州市
    lead_login, lead = _official(
        "demo-sup-lead", Department.objects.get(code=f"{city_code}-FGW"), "市发改委督查处", "重大项目督查、下达整改"
    )
    county = config["items"][0]["county"]
    resp_login, _resp = _official(
        "demo-sup-resp", Department.objects.get(code=f"{county}-ZJJ"), "区住建局项目科", "月度报送、提交整改佐证"
    )
    if not ColourRuleSet.objects.exists():
        services.publish_colour_rules(actor=None, rules=DEFAULT_RULES, note="默认三色规则（《重大项目督查办法》）")
    today = timezone.localdate()
    this_month = today.replace(day=1)
    created = [
        _item(spec, city_code, this_month)
        for spec in config["items"]
        if not Item.objects.filter(code=spec["code"]).exists()
    ]
    if created:
        services.recompute_colours(as_of=today)
    spec = config["rectification"]
    red = Item.objects.get(code=spec["item"])
    if not RectificationOrder.objects.filter(item=red).exists():
        services.issue_rectification(
            actor=lead, item=red, working_days=spec["working_days"], evidence_required=spec["evidence_required"]
        )
    return [lead_login, resp_login]


__all__ = ["ensure_demo_supervision"]
