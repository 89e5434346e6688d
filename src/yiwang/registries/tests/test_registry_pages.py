"""Officials' registry pages: scope, purpose-bound unmasking, discrepancy inbox; the citizen's error report."""

from __future__ import annotations

import pytest

from yiwang.accounts.models import Department, User
from yiwang.core.models import AuditEntry
from yiwang.registries.elements import load_elements
from yiwang.registries.models import Discrepancy
from yiwang.registries.services import report_discrepancy
from yiwang.registries.tests import factories

PASSWORD = "Correct-Horse-9"


@pytest.fixture
def city(org, make_official):
    load_elements()
    police = Department.objects.create(
        code="330106-GAJ", name="杭州市公安局西湖区分局", division=org.xihu, kind=Department.Kind.PUBLIC_SECURITY
    )
    person = factories.person(org.xihu_town, name="冯市民")
    User.objects.create_user(username="citizen", password=PASSWORD, id_number=person.id_number)
    officer = make_official("officer", police, roles=("approver",))
    outsider = make_official("outsider", org.shangcheng_samr, roles=("approver",))
    return person, officer, outsider


@pytest.mark.django_db
def test_person_page_masks_then_unmasks_for_a_purpose(client, city):
    person, _officer, _ = city
    client.login(username="officer", password=PASSWORD)
    page = client.get(f"/workbench/persons/{person.pk}/").content.decode()
    assert person.id_number not in page and "冯**" in page
    form = {"purpose": "registry_correction", "note": "核查户籍登记信息"}
    page = client.post(f"/workbench/persons/{person.pk}/", form).content.decode()
    assert person.id_number in page and "核查、更正基础库数据：核查户籍登记信息" in page
    entry = AuditEntry.objects.get(action="registry.person.unmask")
    assert entry.reason == "核查、更正基础库数据：核查户籍登记信息" and entry.data["purpose"] == "registry_correction"


@pytest.mark.django_db
def test_person_page_outside_scope_is_404(client, city):
    person, _, _ = city
    client.login(username="outsider", password=PASSWORD)
    assert client.get(f"/workbench/persons/{person.pk}/").status_code == 404


@pytest.mark.django_db
def test_citizen_reports_an_error_and_the_source_corrects_it(client, city):
    person, _, _ = city
    client.login(username="citizen", password=PASSWORD)
    page = client.get("/me/").content.decode()
    assert person.id_number in page and "公安" in page  # own data in clear, with its source
    response = client.post(
        "/me/report-error/", {"registry": "person", "field": "address", "value": "北山街道新村 3 号", "note": "已搬迁"}
    )
    assert response.status_code == 302
    report = Discrepancy.objects.get()
    assert report.reported_value == "北山街道新村 3 号" and report.division_id == "330106001"
    client.logout()
    client.login(username="outsider", password=PASSWORD)
    assert "北山街道新村 3 号" not in client.get("/workbench/discrepancies/").content.decode()
    client.logout()
    client.login(username="officer", password=PASSWORD)
    assert "北山街道新村 3 号" in client.get("/workbench/discrepancies/").content.decode()
    client.post(f"/workbench/discrepancies/{report.pk}/resolve/", {"decision": "accept", "resolution": "经核实更正"})
    person.refresh_from_db()
    assert person.address == "北山街道新村 3 号"
    report.refresh_from_db()
    assert report.status == Discrepancy.Status.ACCEPTED


@pytest.mark.django_db
def test_export_is_scoped_masked_and_audited(client, city, org):
    person, _officer, _ = city
    factories.person(org.shangcheng, name="沈上城")
    client.login(username="officer", password=PASSWORD)
    response = client.get("/workbench/export/persons.csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert person.id_number not in text and "冯**" in text and "沈" not in text
    assert AuditEntry.objects.filter(action="registry.person.export").exists()
    assert client.get("/workbench/export/secrets.csv").status_code == 404


@pytest.mark.django_db
def test_resolving_without_a_reason_is_refused_naming_the_field_and_changes_nothing(client, city):
    person, _, _ = city
    citizen = User.objects.get(username="citizen")
    report = report_discrepancy(person, "address", "北山街道新村 5 号", actor=citizen)
    client.login(username="officer", password=PASSWORD)
    page = client.post(
        f"/workbench/discrepancies/{report.pk}/resolve/", {"decision": "accept", "resolution": " "}, follow=True
    ).content.decode()
    assert "请填写处理意见" in page
    report.refresh_from_db()
    person.refresh_from_db()
    assert report.status == Discrepancy.Status.OPEN and person.address != "北山街道新村 5 号"
