"""Builders of valid sharing rows (for tests)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from yiwang.accounts.models import Department, Division
from yiwang.sharing.models import Grant, Resource
from yiwang.sharing.services import grants
from yiwang.sharing.services.catalogue import sync_backbone


def data_bureau(division: Division) -> Department:
    department, _ = Department.objects.get_or_create(
        code=f"{division.code}-SJZYJ",
        defaults={
            "name": f"{division.name}数据资源管理局",
            "kind": Department.Kind.DATA_RESOURCES,
            "division": division,
        },
    )
    return department


def catalogue(division: Division) -> dict[str, Resource]:
    """The backbone's data elements loaded and synced into the catalogue; resources by registry."""
    from yiwang.registries.elements import load_elements

    data_bureau(division)
    load_elements()
    sync_backbone()
    return {r.registry: r for r in Resource.objects.all()}


def approved_grant(
    resource: Resource, consumer_official, provider_official, *, fields: list[str], row_scope: str = "", **kwargs
) -> tuple[Grant, str]:
    today = timezone.localdate()
    grant = grants.request_grant(
        consumer_official,
        resource,
        consumer=consumer_official.department,
        purpose=kwargs.pop("purpose", "企业开办核验经营主体信息"),
        legal_basis="《优化营商环境条例》第三十七条",
        fields=fields,
        row_scope=row_scope,
        valid_from=kwargs.pop("valid_from", today - timedelta(days=1)),
        valid_until=kwargs.pop("valid_until", today + timedelta(days=30)),
        **kwargs,
    )
    return grants.approve_grant(provider_official, grant, reason="符合共享条件")


def some_day() -> date:
    return timezone.localdate()
