"""The demo city's 数据共享开放: the catalogue synced from its registries, the data keeper, open datasets and two
grants read once, loaded from ``demo/data/sharing/*.yaml`` through the sharing services an operator uses."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from yiwang.accounts.models import Department, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.registries.models import LegalEntity, Person
from yiwang.sharing.models import Grant, Resource
from yiwang.sharing.services import grants, opendata, reads
from yiwang.sharing.services.catalogue import sync_backbone

DATA = Path(__file__).resolve().parent / "data" / "sharing"
KEEPER = "demo-data-keeper"


def _table(kind: str, city_code: str) -> tuple[list[str], list[list[Any]]]:
    entities = LegalEntity.objects.filter(division__code__startswith=city_code[:4], status="active")
    if kind == "entities_by_county":
        rows = (
            entities.values("division__parent__name")
            .annotate(n=Count("pk"), staff=Sum("headcount"))
            .order_by("division__parent__name")
        )
        return ["区县", "市场主体数", "从业人数"], [
            [r["division__parent__name"], r["n"], r["staff"] or 0] for r in rows
        ]
    if kind == "entities_by_industry":
        sections = Counter(entities.values_list("industry__section", flat=True))
        return ["行业门类", "市场主体数"], [[s, n] for s, n in sorted(sections.items())]
    columns = ["企业名称", "统一社会信用代码", "行业代码", "成立日期"]
    register = entities.order_by("uscc").values_list("name", "uscc", "industry_id", "founding_date")
    return columns, [[n, u, i, str(d)] for n, u, i, d in register]


def _keeper(city_code: str, password: str) -> User:
    department = Department.objects.get(code=f"{city_code}-SJZYJ")
    user, created = User.objects.get_or_create(
        username=KEEPER,
        defaults={"kind": User.Kind.OFFICIAL, "full_name": "数据管理员", "department": department},
    )
    if created:
        user.set_password(password)
        user.save()
    role = ensure_default_roles()["approver"]
    RoleAssignment.objects.get_or_create(user=user, role=role, department=department, division_id=city_code)
    return user


def _grant(spec: dict[str, Any], keeper: User) -> None:
    resource = Resource.objects.get(code=spec["resource"])
    consumer = Department.objects.get(code=f"{spec['consumer']['county']}-{spec['consumer']['suffix']}")
    if Grant.objects.filter(resource=resource, consumer=consumer).exists():
        return
    official = User.objects.filter(department=consumer, kind=User.Kind.OFFICIAL).order_by("pk").first()
    if official is None:
        return
    today = timezone.localdate()
    grant = grants.request_grant(
        official, resource, consumer=consumer, purpose=spec["purpose"], legal_basis=spec["legal_basis"],
        fields=spec["fields"], valid_from=today, valid_until=today + timedelta(days=365),
    )  # fmt: skip
    grant, _credential = grants.approve_grant(keeper, grant, reason="符合共享条件")
    key = ""
    if spec.get("read") == "citizen":
        citizen = User.objects.filter(username="demo-citizen").first()
        key = citizen.id_number if citizen and citizen.id_number else ""
    elif spec.get("read") == "agent":
        agent = User.objects.filter(username="demo-agent").first()
        key = agent.enterprise_uscc if agent else ""
    if key and (Person.objects.with_id_number(key).exists() or LegalEntity.objects.filter(uscc=key).exists()):
        reads.read_record(grant, key)


def ensure_demo_sharing(city_code: str, password: str) -> list[str]:
    """Idempotent. Returns notes for the seed report."""
    sync_backbone()
    with transaction.atomic():
        keeper = _keeper(city_code, password)
    for spec in yaml.safe_load((DATA / "datasets.yaml").read_text(encoding="utf-8")):
        columns, rows = _table(spec["table"], city_code)
        opendata.publish_dataset(
            None, name=spec["name"], title=spec["title"], notes=spec.get("notes", ""),
            publisher=Department.objects.get(code=f"{city_code}-{spec['publisher']}"), open_type=spec["open_type"],
            columns=columns, rows=rows, tags=spec.get("tags", []),
            statistics={"source": "entity"} if spec.get("statistics") else {},
            epsilon_budget=Decimal(spec.get("epsilon_budget", "1")),
        )  # fmt: skip
    for spec in yaml.safe_load((DATA / "grants.yaml").read_text(encoding="utf-8")):
        _grant(spec, keeper)
    return [f"数据共享：资源目录已从基础库编目；数据管理员登录 {KEEPER}（{city_code} 数据资源管理局，审批）。"]
