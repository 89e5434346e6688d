"""Officials' and firms' pages: run, inbox with filters, a lead's loop by form, a firm's explanation and objection."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yiwang.accounts.tests import factories as accounts
from yiwang.registries.credit import current_rating, current_risk_class_expression
from yiwang.registries.models import LegalEntity
from yiwang.risk.models import Alert, ClassificationRun, Objection, RiskScore
from yiwang.risk.services.classification import run_classification
from yiwang.risk.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def ran(city):
    return run_classification(MONTH, department=city.samr, actor=city.planner)


def test_an_approver_runs_the_month_from_the_page_and_sees_the_distribution(client, city):
    client.force_login(city.planner)
    response = client.post(reverse("risk:workbench:home"), {"month": "2026-11"})
    assert response.status_code == 302
    run = ClassificationRun.objects.get()
    assert run.month == MONTH
    page = client.get(reverse("risk:workbench:home")).content.decode()
    assert 'data-count="A"' in page and str(run.class_counts.get("A", 0)) in page
    assert "钱氏空壳" in page  # the ring tops the list of highest scores


def test_a_verifier_cannot_run_the_classification(client, city):
    client.force_login(city.verifier)
    response = client.post(reverse("risk:workbench:home"), {"month": "2026-11"})
    assert response.status_code == 200
    assert "执行月度分类" not in response.content.decode()  # no form offered
    assert not ClassificationRun.objects.exists()


def test_a_firms_risk_page_explains_its_class_and_draws_its_neighbourhood(client, city, ran):
    client.force_login(city.planner)
    page = client.get(reverse("risk:workbench:entity", args=[city.ring[0].uscc])).content.decode()
    assert 'data-indicator="ADDRESS_CLUSTER" class="table-warning"' in page
    assert "同一住所登记的市场主体数：<strong>12户</strong>" in page
    assert "《市场主体登记管理条例》第二十四条" in page
    assert "钱*" in page and "钱多多" not in page  # the person is masked
    assert city.ring[1].uscc in page  # a neighbour under the same person, at the same address


def test_the_inbox_filters_by_indicator_and_status(client, city, ran):
    client.force_login(city.planner)
    url = reverse("risk:workbench:alerts")
    page = client.get(url, {"indicator": "ADDRESS_CLUSTER"}).content.decode()
    assert page.count("钱氏空壳") == 12
    assert "巨资虚设" not in page  # its lead is the tax bureau's
    assert "钱氏空壳" not in client.get(url, {"status": "closed"}).content.decode()


def test_a_lead_is_assigned_and_closed_through_its_page(client, city, ran):
    alert = Alert.objects.filter(indicator="ADDRESS_CLUSTER").order_by("number").first()
    url = reverse("risk:workbench:alert", args=[alert.number])
    client.force_login(city.planner)
    assert client.post(url, {"action": "assign", "assignee": city.verifier.pk}).status_code == 302
    client.force_login(city.verifier)
    bad = client.post(url, {"action": "close", "outcome": "confirmed", "disposal": "none", "result": "x"})
    assert "核查属实的线索须选择处置方式" in bad.content.decode()
    done = client.post(
        url, {"action": "close", "outcome": "confirmed", "disposal": "inspection", "result": "住所虚假，转定向检查"}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.assignee, alert.disposal) == ("closed", city.verifier, "inspection")
    assert "1 / 12" not in client.get(reverse("risk:precision")).content.decode()
    assert "8%" in client.get(reverse("risk:precision")).content.decode()  # 1 of 12 confirmed


def test_an_official_of_another_department_does_not_see_the_lead(client, city, ran):
    alert = Alert.objects.filter(indicator="ADDRESS_CLUSTER").first()
    client.force_login(city.tax_officer)
    assert client.get(reverse("risk:workbench:alert", args=[alert.number])).status_code == 404


def test_a_firm_sees_why_it_is_in_its_class_and_objects(client, city, ran, make_official):
    firm = city.ring[0]
    agent = accounts.agent(enterprise_uscc=firm.uscc)
    client.force_login(agent)
    page = client.get(reverse("risk:mine")).content.decode()
    score = RiskScore.objects.get(run=ran, entity=firm)
    assert f'data-class="{score.risk_class}"' in page
    assert "同一住所集中登记十户以上" in page and "虚假住所" in page
    assert client.post(reverse("risk:mine"), {"reason": " "}).status_code == 200
    assert client.post(reverse("risk:mine"), {"reason": "本企业已迁出该住所，附新租赁合同"}).status_code == 302
    objection = Objection.objects.get()

    client.force_login(city.planner)
    response = client.post(
        reverse("risk:workbench:objection", args=[objection.pk]),
        {"accept": "1", "new_class": "B", "answer": "经核实已迁址，复核为 B 类"},
    )
    assert response.status_code == 302
    assert current_rating(firm).risk_class == "B"


def test_regulation_reads_the_class_the_run_wrote(city, ran):
    for score in RiskScore.objects.filter(run=ran):
        annotated = LegalEntity.objects.annotate(k=current_risk_class_expression()).get(pk=score.entity_id)
        assert annotated.k == score.risk_class


def test_the_api_gives_a_firm_its_own_explanation_only(client, city, ran):
    agent = accounts.agent(enterprise_uscc=city.shell.uscc)
    client.force_login(agent)
    own = client.get(f"/api/v1/risk/entities/{city.shell.uscc}/score")
    assert own.status_code == 200
    assert {i["code"] for i in own.json()["explanation"]["indicators"] if i["hit"]} >= {"SHELL_CAPITAL"}
    assert client.get(f"/api/v1/risk/entities/{city.ring[0].uscc}/score").status_code == 404


def test_the_api_closes_a_lead_with_a_translated_error_on_bad_input(client, city, ran):
    alert = Alert.objects.get(entity=city.shell, indicator="SHELL_CAPITAL")
    client.force_login(city.tax_officer)
    bad = client.post(
        f"/api/v1/risk/alerts/{alert.number}/close",
        {"outcome": "unfounded", "disposal": "case", "result": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "disposal"
    good = client.post(
        f"/api/v1/risk/alerts/{alert.number}/close",
        {"outcome": "confirmed", "disposal": "rectified", "result": "已责令补缴并办理社保登记"},
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["status"] == "closed"


def test_groups_and_address_clusters_list_the_ring(client, city, ran):
    client.force_login(city.planner)
    groups = client.get(reverse("risk:workbench:groups")).content.decode()
    assert "<td>12</td>" in groups
    addresses = client.get(reverse("risk:workbench:addresses")).content.decode()
    assert addresses.count("钱氏空壳") == 12
