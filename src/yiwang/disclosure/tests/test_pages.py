"""The pages, as a citizen, an agent and an official use them: every POST through its form, errors in the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from yiwang.accounts.tests import factories as accounts
from yiwang.catalog.tests import factories as catalog
from yiwang.disclosure.models import DisclosureRequest, PolicyDocument, Proposal, Question
from yiwang.disclosure.services import documents, livelihood
from yiwang.disclosure.tests import factories
from yiwang.disclosure.tests.test_livelihood import _propose, _to_voting
from yiwang.policies.tests import factories as policies
from yiwang.registries.tests import factories as registry

pytestmark = pytest.mark.django_db


def test_a_reader_goes_from_a_document_to_eligible_to_apply(city, client):
    policy = policies.policy(city.samr, rules=policies.REVENUE_RULES.replace("10000000", "1000"))
    item = catalog.service_item(city.samr, name="食品经营许可")
    doc = factories.document(city.samr)
    documents.link_clause(doc.clauses.get(label="第二条"), actor=None, policy=policy)
    documents.link_clause(doc.clauses.get(label="第三条"), actor=None, item=item)
    anonymous = client.get(reverse("disclosure:document", args=[doc.pk])).content.decode()
    assert doc.number in anonymous and "第二条" in anonymous and "以企业经办人身份登录" in anonymous
    firm = registry.entity(city.org.xihu_town, registry.person(city.org.xihu_town), name="西湖面馆有限公司")
    client.force_login(accounts.agent(enterprise_uscc=firm.uscc))
    page = client.get(reverse("disclosure:document", args=[doc.pk])).content.decode()
    assert "西湖面馆有限公司" in page and policy.title in page
    assert reverse("applications:apply", args=[item.item_code]) in page
    assert reverse("policies:notice", args=[policy.code]) in page


def test_a_draft_document_is_not_public(city, client):
    doc = factories.document(city.samr, published=False)
    assert client.get(reverse("disclosure:document", args=[doc.pk])).status_code == 404
    assert doc.title not in client.get(reverse("disclosure:documents")).content.decode()


def test_an_official_registers_publishes_and_interprets_a_document(city, client):
    client.force_login(city.clerk)
    today = dt.date.today()
    form = {
        "number": "西市监发〔2026〕9号", "title": "关于优化餐饮许可的通知", "kind": "policy", "issuer": city.samr.pk,
        "signed_on": today.isoformat(), "effective_from": (today - dt.timedelta(days=1)).isoformat(),
        "body": "第一条 内容。",
    }  # fmt: skip
    page = client.post(reverse("disclosure:workbench:home"), form).content.decode()
    assert "施行日期不能早于成文日期" in page and not PolicyDocument.objects.exists()
    form["effective_from"] = today.isoformat()
    response = client.post(reverse("disclosure:workbench:home"), form)
    doc = PolicyDocument.objects.get()
    assert response.url == reverse("disclosure:workbench:document", args=[doc.pk])
    client.post(response.url, {"publish": "1"})
    doc.refresh_from_db()
    assert doc.status == "published"
    client.post(
        response.url, {"interpret": "1", "kind": "qa", "title": "问答", "qa": "问：何时施行？\n答：自发布之日起。"}
    )
    assert doc.interpretations.get().qa == [{"q": "何时施行？", "a": "自发布之日起。"}]
    other = accounts.member(city.civil)
    client.force_login(other)
    assert client.get(response.url).status_code in (403, 404)


def test_a_citizen_requests_information_and_the_official_replies(city, client):
    citizen = accounts.citizen(full_name="李四")
    client.force_login(citizen)
    page = client.get(reverse("disclosure:requests")).content.decode()
    assert "二十六条" not in page and "第三十三条" in page
    client.post(reverse("disclosure:requests"), {
        "department": city.samr.pk, "requester_name": "李四", "contact": "13800000000",
        "description": "2025年食品安全抽检结果", "idempotency_key": "abc",
    })  # fmt: skip
    req = DisclosureRequest.objects.get()
    client.force_login(city.clerk)
    url = reverse("disclosure:workbench:request", args=[req.number])
    page = client.post(url, {"outcome": "refused", "reply": "不予公开"}).content.decode()
    assert "须写明依据" in page
    client.post(url, {"reply": "已公开，见附件", "outcome": "disclosed"})
    req.refresh_from_db()
    assert req.status == "replied"
    client.force_login(citizen)
    assert "已公开，见附件" in client.get(reverse("disclosure:request", args=[req.number])).content.decode()


def test_the_livelihood_loop_through_the_pages(city, client):
    round_ = factories.round_(city.org.xihu, city.samr, seats=1)
    resident, _person = factories.resident(city.org.xihu_town, name="提议人")
    client.force_login(resident)
    url = reverse("disclosure:round", args=[round_.pk])
    client.post(url, {"title": "增设老年食堂", "body": "社区老年人吃饭难，建议增设老年食堂", "idempotency_key": "k"})
    assert Proposal.objects.filter(proposer=resident).count() == 1
    _propose(round_, city.org.xihu_town)
    round_ = _to_voting(city, round_)
    code = round_.candidates.order_by("code").first().code
    client.force_login(city.clerk)
    wb = reverse("disclosure:workbench:round", args=[round_.pk])
    for k in range(3):
        client.post(wb, {"action": "ballot", "serial": f"E{k}", "deputy": f"D{k}", "choices": [code]})
    client.post(wb, {"action": "count"})
    client.post(wb, {"action": "advance"})
    client.post(wb, {"action": "launch", "starts_on": f"{round_.year}-01-01", "ends_on": f"{round_.year}-12-31"})
    chosen = round_.candidates.get(code=code)
    assert chosen.item is not None
    public = client.get(url).content.decode()
    assert round_.__class__.objects.get(pk=round_.pk).tally_sm3 in public and "票决当选" in public
    ballots = client.get(reverse("disclosure:ballots", args=[round_.pk])).content.decode()
    assert f"E0|D0|{code}" in ballots
    client.force_login(resident)
    client.post(url, {"rate": "1", "candidate": chosen.pk, "score": 5, "comment": ""})
    assert chosen.ratings.get().score == 5
    assert "您已评价" in client.get(url).content.decode()


def test_ask_cites_or_hands_off_and_an_official_replies(city, client):
    catalog.service_item(city.samr, name="食品经营许可", keywords="开饭店 开餐馆")
    response = client.post(reverse("disclosure:ask"), {"text": "开饭店要办什么证", "contact": ""})
    page = client.get(response.url).content.decode()
    assert "出处" in page and "食品经营许可" in page
    page = client.post(reverse("disclosure:ask"), {"text": "火星移民签证", "contact": ""}).content.decode()
    assert "转人工答复需要联系方式" in page
    response = client.post(reverse("disclosure:ask"), {"text": "火星移民签证", "contact": "13900000000"})
    assert "已转人工" in client.get(response.url).content.decode()
    question = Question.objects.get(status="handed_off")
    other = client.__class__()
    assert other.get(response.url).status_code == 404  # somebody else's question
    client.force_login(city.clerk)
    assert question.text in client.get(reverse("disclosure:workbench:questions")).content.decode()
    client.post(reverse("disclosure:workbench:question", args=[question.pk]), {"reply": "请咨询出入境管理部门"})
    question.refresh_from_db()
    assert question.status == "replied"


def test_the_public_pages_render(city, client):
    factories.document(city.samr)
    factories.round_(city.org.xihu, city.samr)
    for name in ("home", "documents", "rounds", "ask"):
        assert client.get(reverse(f"disclosure:{name}")).status_code == 200
    client.force_login(city.clerk)
    for name in ("home", "livelihood", "questions"):
        assert client.get(reverse(f"disclosure:workbench:{name}")).status_code == 200


def test_study_errors_are_shown_on_the_candidate(city, client):
    round_ = factories.round_(city.org.xihu, city.samr)
    _propose(round_, city.org.xihu_town)
    livelihood.advance_stage(round_, actor=city.clerk)
    livelihood.advance_stage(round_, actor=city.clerk)
    candidate = round_.candidates.first()
    client.force_login(city.clerk)
    page = client.post(
        reverse("disclosure:workbench:round", args=[round_.pk]),
        {"action": "study", "candidate": candidate.pk, "feasible": "1", "note": "可行"},
    ).content.decode()
    assert "可行的项目须填写估算投资" in page
    client.post(
        reverse("disclosure:workbench:round", args=[round_.pk]),
        {"action": "study", "candidate": candidate.pk, "feasible": "1", "note": "可行", "cost": "100000"},
    )
    candidate.refresh_from_db()
    assert candidate.cost == Decimal("100000")


def test_a_reply_reaches_the_asker_and_documents_are_found_by_the_item_they_implement(city, client):
    from yiwang.core.models import Notification
    from yiwang.disclosure.services import answers, requests

    citizen = accounts.citizen(full_name="钱七")
    question = answers.ask("火星移民签证", user=citizen)
    official = city.clerk if question.department in (None, city.samr) else accounts.member(question.department)
    answers.reply_question(question, actor=official, reply="请咨询出入境管理部门")
    req = requests.submit_request(
        requester=citizen, department=city.samr, requester_name="钱七", contact="1", description="抽检结果信息公开",
        idempotency_key="n1",
    )  # fmt: skip
    requests.reply_request(req, actor=city.clerk, outcome="disclosed", reply="见附件")
    subjects = set(Notification.objects.filter(recipient=citizen).values_list("subject", flat=True))
    assert subjects == {"您的咨询已有人工答复", "您的政府信息公开申请已答复"}
    item = catalog.service_item(city.samr, name="食品经营许可")
    linked = factories.document(city.samr)
    documents.link_clause(linked.clauses.first(), actor=None, item=item)
    factories.document(city.samr)
    page = client.get(reverse("disclosure:documents") + f"?item={item.item_code}").content.decode()
    assert linked.title in page and page.count("<tr>") == 2  # the header and the one document
    api = client.get(f"/api/v1/disclosure/documents?item={item.item_code}").json()
    assert [d["number"] for d in api] == [linked.number]
