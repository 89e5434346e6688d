"""Grounded Q&A: cited answers from published text only, "I don't know" and a person, the policy calculator."""

from __future__ import annotations

import pytest

from yiwang.accounts.tests import factories as accounts
from yiwang.catalog.tests import factories as catalog
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.disclosure.models import Question
from yiwang.disclosure.services import answers, documents
from yiwang.disclosure.tests import factories
from yiwang.policies.tests import factories as policies
from yiwang.registries.tests import factories as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(city):
    food = catalog.service_item(
        city.samr, name="食品经营许可", keywords="开饭店 开餐馆 餐饮", conditions="有与经营食品相适应的经营场所"
    )
    catalog.service_item(city.civil, name="婚姻登记", keywords="结婚 领证", conditions="双方自愿，达到法定婚龄")
    catalog.service_item(city.samr, name="草稿事项火星", keywords="火星", published=False)
    doc = factories.document(city.samr)
    documents.add_interpretation(
        doc,
        actor=None,
        kind="qa",
        title="问答",
        qa=[{"q": "奖励需要企业自己申请吗？", "a": "不需要，免申即享，符合条件的企业由系统自动比对后推送。"}],
    )
    return {"food": food, "doc": doc}


def test_a_catalogue_question_gets_a_cited_answer_from_the_guide(published):
    result = answers.answer("我想开饭店，要办什么证？")
    assert result["kind"] == "answer"
    assert result["citations"][0]["ref"] == published["food"].item_code
    assert "食品经营许可" in result["text"] and result["confidence"] >= answers.THRESHOLD


def test_an_interpretation_answers_in_its_own_words_with_the_document_cited(published):
    result = answers.answer("企业奖励需要自己申请吗")
    assert result["kind"] == "answer" and "免申即享" in result["text"]
    assert published["doc"].number in result["citations"][0]["ref"]


def test_a_question_outside_the_catalogue_is_handed_to_a_person(published, city, make_official):
    with pytest.raises(ValidationFailed) as exc:
        answers.ask("火星移民签证怎么办理")
    assert exc.value.field == "contact"
    citizen = accounts.citizen(full_name="赵六")
    question = answers.ask("火星移民签证怎么办理", user=citizen)
    assert question.status == Question.Status.HANDED_OFF and question.answer["citations"] == []
    assert question.answer["kind"] == "unknown"
    official = make_official("answerer", question.department) if question.department else city.clerk
    replied = answers.reply_question(question, actor=official, reply="本市暂无此项业务，请咨询出入境管理部门。")
    assert replied.status == Question.Status.REPLIED


def test_a_handed_off_question_is_answered_only_by_its_department(published, city):
    question = Question.objects.create(text="问", answer={}, confidence=0.1, status="handed_off", department=city.civil)
    with pytest.raises(PermissionDenied):
        answers.reply_question(question, actor=city.clerk, reply="答复内容")


def test_an_eligibility_question_calls_the_policy_calculator(published, city):
    policies.policy(city.samr, rules=policies.REVENUE_RULES.replace("10000000", "1000"))
    firm = registry.entity(city.org.xihu_town, registry.person(city.org.xihu_town), name="西湖小面馆有限公司")
    agent = accounts.agent(enterprise_uscc=firm.uscc)
    result = answers.answer("我们企业符合哪些奖励政策？", user=agent)
    assert result["kind"] == "eligibility"
    assert [e["policy_id"] for e in result["eligible"]] == ["XH-TEST-001"]
    assert "西湖小面馆有限公司" in result["text"] and result["citations"][0]["ref"] == "XH-TEST-001"
    anonymous = answers.answer("我们企业符合哪些奖励政策？")
    assert anonymous["eligible"] == [] and "登录" in anonymous["text"]


def test_unpublished_text_is_never_cited(published):
    result = answers.answer("草稿事项火星")
    assert all("火星" not in c["title"] for c in result["citations"])
