"""Policy documents: articles, links, publication within 20 working days, interpretations, disclosure requests."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.accounts.tests import factories as accounts
from yiwang.catalog.tests import factories as catalog
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.core.workdays import add_working_days, working_days_between
from yiwang.disclosure.models import DisclosureRequest, Interpretation, PolicyDocument
from yiwang.disclosure.services import documents, requests
from yiwang.disclosure.tests import factories
from yiwang.policies.tests import factories as policies

pytestmark = pytest.mark.django_db


def test_the_body_is_split_into_articles_each_citable(city):
    doc = factories.document(city.samr)
    labels = list(doc.clauses.values_list("label", flat=True))
    assert labels == ["第一条", "第二条", "第三条", "第四条"]
    assert doc.clauses.get(label="第二条").text.startswith("在西湖区登记注册")


def test_a_text_without_articles_is_cited_by_paragraph():
    assert documents.split_clauses("一段。\n\n二段。") == [("第1段", "一段。"), ("第2段", "二段。")]


def test_publication_is_due_twenty_working_days_after_signing_and_late_is_recorded(city):
    signed = dt.date(dt.date.today().year, 3, 2)
    doc = factories.document(city.samr, published=False, signed_on=signed, effective_from=signed)
    assert working_days_between(signed, doc.publication_due_on) == 20
    late_day = add_working_days(doc.publication_due_on, 1)
    documents.publish_document(doc, actor=city.clerk, on=late_day)
    doc.refresh_from_db()
    assert doc.status == PolicyDocument.Status.PUBLISHED and doc.published_late
    report = documents.publication_report()
    assert [d.pk for d in report["late"]] == [doc.pk] and report["on_time"] == 0
    assert AuditEntry.objects.filter(action="disclosure.document.publish", data__late=True).exists()


def test_only_the_issuer_registers_and_a_number_is_unique(city):
    with pytest.raises(PermissionDenied):
        documents.create_document(
            actor=city.civil_clerk, number="X1", title="T", issuer=city.samr,
            signed_on=dt.date.today(), effective_from=dt.date.today(), body="第一条 内容",
        )  # fmt: skip
    factories.document(city.samr, number="西政发〔2026〕1号")
    with pytest.raises(Conflict) as exc:
        factories.document(city.samr, number="西政发〔2026〕1号")
    assert exc.value.field == "number"


def test_validity_dates_are_checked_and_nothing_is_created(city):
    today = dt.date.today()
    with pytest.raises(ValidationFailed) as exc:
        factories.document(city.samr, effective_from=today, effective_until=today - dt.timedelta(days=1))
    assert exc.value.field == "effective_until"
    assert not PolicyDocument.objects.exists()


def test_a_document_links_to_the_policy_and_item_that_implement_it_and_back(city):
    policy = policies.policy(city.samr)
    item = catalog.service_item(city.samr, name="食品经营许可")
    doc = factories.document(city.samr)
    clause = doc.clauses.get(label="第二条")
    documents.link_clause(clause, actor=city.clerk, policy=policy)
    documents.link_clause(doc.clauses.get(label="第三条"), actor=city.clerk, item=item)
    assert list(doc.policies.all()) == [policy] and list(doc.items.all()) == [item]
    assert list(policy.documents.all()) == [doc] and list(item.documents.all()) == [doc]
    draft = catalog.service_item(city.samr, published=False)
    with pytest.raises(ValidationFailed):
        documents.link_clause(clause, actor=city.clerk, item=draft)


def test_interpretations_of_each_kind_need_their_content(city):
    doc = factories.document(city.samr)
    qa = documents.add_interpretation(
        doc, actor=city.clerk, kind="qa", title="一图读懂", qa=[{"q": "要申请吗？", "a": "不用申请，免申即享。"}]
    )
    assert qa.qa == [{"q": "要申请吗？", "a": "不用申请，免申即享。"}]
    chart = documents.add_interpretation(doc, actor=city.clerk, kind="chart", title="图解", chart=[["奖励", "10000"]])
    assert chart.chart == [["奖励", 10000.0]]
    with pytest.raises(ValidationFailed) as exc:
        documents.add_interpretation(doc, actor=city.clerk, kind="qa", title="空", qa=[{"q": "问", "a": ""}])
    assert exc.value.field == "qa"
    assert Interpretation.objects.count() == 2


def test_a_disclosure_request_is_due_in_twenty_working_days_and_extends_once(city):
    citizen = accounts.citizen(full_name="李四")
    received = dt.date(dt.date.today().year, 4, 1)
    req = requests.submit_request(
        requester=citizen, department=city.samr, requester_name="李四", contact="13800000000",
        description="2025年西湖区食品安全抽检结果", idempotency_key="k1", on=received,
    )  # fmt: skip
    assert working_days_between(received, req.due_on) == 20
    again = requests.submit_request(
        requester=citizen, department=city.samr, requester_name="李四", contact="13800000000",
        description="2025年西湖区食品安全抽检结果", idempotency_key="k1", on=received,
    )  # fmt: skip
    assert again.pk == req.pk and DisclosureRequest.objects.count() == 1
    first_due = req.due_on
    DisclosureRequest.objects.filter(pk=req.pk).update(received_on=dt.date.today(), due_on=dt.date.today())
    req.refresh_from_db()
    extended = requests.extend_request(req, actor=city.clerk, reason="需要协调多个科室")
    assert working_days_between(dt.date.today(), extended.due_on) == 20 and first_due != extended.due_on
    with pytest.raises(Conflict):
        requests.extend_request(extended, actor=city.clerk, reason="再次延期")


def test_a_refusal_must_state_its_basis_and_the_reply_is_recorded(city):
    citizen = accounts.citizen(full_name="王五")
    req = requests.submit_request(
        requester=citizen, department=city.samr, requester_name="王五", contact="wang@example.cn",
        description="某企业的内部会议纪要", idempotency_key="k2",
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        requests.reply_request(req, actor=city.clerk, outcome="refused", reply="不予公开")
    assert exc.value.field == "legal_basis"
    with pytest.raises(PermissionDenied):
        requests.reply_request(req, actor=city.civil_clerk, outcome="disclosed", reply="见附件")
    done = requests.reply_request(
        req, actor=city.clerk, outcome="refused", reply="属于内部事务信息", legal_basis="条例第十六条"
    )
    assert done.status == "replied" and not done.replied_late
    assert requests.request_report(DisclosureRequest.objects.all()) == {
        "received": 1, "replied": 1, "late": 0, "open": 0, "overdue": 0
    }  # fmt: skip
