"""A department requests a resource, the owner decides within the limit, and the credential reads only what was
granted: the granted fields, inside the row scope and the period, within the rate, and nothing after revocation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.core.workdays import WorkingDays
from yiwang.registries.tests import factories as registry_factories
from yiwang.sharing.models import Alert, Grant, ReadLog
from yiwang.sharing.services import grants, reads
from yiwang.sharing.services.catalogue import sync_backbone
from yiwang.sharing.services.errors import RateLimited
from yiwang.sharing.tests.factories import approved_grant


@pytest.fixture
def firm(org):
    rep = registry_factories.person(org.xihu_town, name="王老板")
    return registry_factories.entity(org.xihu_town, rep, name="杭州西湖数据有限公司")


def test_sync_publishes_every_registry_element_once(sharing):
    entity = sharing.resources["entity"]
    from yiwang.registries.models import DataElement

    assert set(entity.items.values_list("code", flat=True)) == set(
        DataElement.objects.filter(registry="entity").values_list("field_name", flat=True)
    )
    person = sharing.resources["person"]
    assert person.sharing_type == "conditional" and person.sharing_conditions
    again = sync_backbone()
    assert (again.resources_created, again.items_created, again.items_updated) == (0, 0, 0)


def test_request_shows_the_working_day_limit_by_grade(sharing):
    resource = sharing.resources["entity"]
    grant = grants.request_grant(
        sharing.consumer_official, resource, consumer=sharing.consumer_official.department,
        purpose="企业开办核验", legal_basis="《优化营商环境条例》", fields=["name"],
        valid_from=timezone.localdate(), valid_until=timezone.localdate() + timedelta(days=5),
    )  # fmt: skip
    expected = WorkingDays().add_working_days(timezone.localdate(), grants.ANSWER_DAYS[resource.grade])
    assert grant.due_on == expected and grant.status == Grant.Status.REQUESTED


def test_bad_request_names_the_field_and_changes_nothing(sharing):
    resource = sharing.resources["entity"]
    with pytest.raises(ValidationFailed) as error:
        grants.request_grant(
            sharing.consumer_official, resource, consumer=sharing.consumer_official.department,
            purpose="企业开办核验", legal_basis="依据", fields=["name", "no_such_field"],
            valid_from=timezone.localdate(), valid_until=timezone.localdate(),
        )  # fmt: skip
    assert error.value.field == "fields"
    assert not Grant.objects.exists()


def test_only_the_provider_decides_and_refusal_needs_reasons(sharing):
    resource = sharing.resources["entity"]
    grant = grants.request_grant(
        sharing.consumer_official, resource, consumer=sharing.consumer_official.department,
        purpose="企业开办核验", legal_basis="依据", fields=["name"],
        valid_from=timezone.localdate(), valid_until=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        grants.approve_grant(sharing.consumer_official, grant)
    with pytest.raises(ValidationFailed):
        grants.refuse_grant(sharing.provider_official, grant, reason="")
    refused = grants.refuse_grant(sharing.provider_official, grant, reason="用途与职责无关")
    assert refused.status == Grant.Status.REFUSED
    with pytest.raises(Conflict):
        grants.approve_grant(sharing.provider_official, grant)


def test_consumer_reads_only_granted_fields_and_nothing_after_revocation(sharing, firm, client: Client):
    resource = sharing.resources["entity"]
    grant, credential = approved_grant(
        resource, sharing.consumer_official, sharing.provider_official, fields=["name", "headcount"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {credential}"}
    response = client.get(f"/api/v1/sharing/read/{firm.uscc}", **auth)
    assert response.status_code == 200
    assert response.json()["values"] == {"name": "杭州西湖数据有限公司", "headcount": 25}

    response = client.get(f"/api/v1/sharing/read/{firm.uscc}?fields=name,annual_revenue", **auth)
    assert response.status_code == 403 and response.json()["field"] == "fields"
    alert = Alert.objects.get(grant=grant)
    assert alert.kind == Alert.Kind.FIELD_OUTSIDE_PURPOSE and alert.detail == {"fields": ["annual_revenue"]}

    grants.revoke_grant(sharing.provider_official, grant, reason="项目已结束")
    response = client.get(f"/api/v1/sharing/read/{firm.uscc}", **auth)
    assert response.status_code == 403 and response.json()["code"] == "revoked"
    assert client.get(f"/api/v1/sharing/read/{firm.uscc}", HTTP_AUTHORIZATION="Bearer yws_forged").status_code == 401


def test_row_scope_period_and_rate_are_enforced(sharing, org, firm):
    resource = sharing.resources["entity"]
    rep = registry_factories.person(org.shangcheng, name="李老板")
    elsewhere = registry_factories.entity(org.shangcheng, rep, name="上城公司")
    grant, _ = approved_grant(
        resource, sharing.consumer_official, sharing.provider_official, fields=["name"], row_scope=org.xihu.code,
        rate_per_minute=2,
    )  # fmt: skip
    assert reads.read_record(grant, firm.uscc) == {"name": firm.name}
    with pytest.raises(Exception) as outside:
        reads.read_record(grant, elsewhere.uscc)
    assert getattr(outside.value, "status_code", None) == 404
    reads.read_record(grant, firm.uscc)
    with pytest.raises(RateLimited):
        reads.read_record(grant, firm.uscc)
    later = timezone.now() + timedelta(days=60)
    with pytest.raises(PermissionDenied) as expired:
        reads.read_record(grant, firm.uscc, now=later)
    assert expired.value.code == "outside_period"


def test_each_read_is_logged_and_audited_against_the_record(sharing, firm):
    resource = sharing.resources["entity"]
    grant, _ = approved_grant(resource, sharing.consumer_official, sharing.provider_official, fields=["name"])
    reads.read_record(grant, firm.uscc)
    assert ReadLog.objects.filter(grant=grant, refused="", rows=1).count() == 1
    entry = AuditEntry.objects.get(action="sharing.read")
    assert (entry.object_type, entry.object_id, entry.reason) == ("registries.legalentity", str(firm.pk), grant.purpose)


def test_off_hours_bulk_read_raises_an_alert_that_reaches_the_owner(sharing, org):
    from yiwang.core.models import Notification

    resource = sharing.resources["entity"]
    rep = registry_factories.person(org.xihu_town, name="赵老板")
    for n in range(120):
        registry_factories.entity(org.xihu_town, rep, name=f"公司{n}")
    grant, _ = approved_grant(resource, sharing.consumer_official, sharing.provider_official, fields=["name"])
    office = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()).replace(hour=10))
    night = office.replace(hour=2)
    day_alerts = Alert.objects.filter(kind=Alert.Kind.OFF_HOURS_BULK)
    if WorkingDays().is_working_day(office.date()):
        reads.read_rows(grant, limit=120, now=office)
        assert not day_alerts.exists()
    bulk = reads.read_rows(grant, limit=120, now=night)
    assert bulk.rows == 120
    alert = day_alerts.get()
    assert alert.grant == grant and alert.detail["rows"] == 120
    assert Notification.objects.filter(recipient=sharing.provider_official, object_id=str(alert.pk)).exists()
