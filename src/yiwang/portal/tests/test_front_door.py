"""The front door: search first, life events, popular services, the personal space, elder mode, readable 秒批."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yiwang.applications.autoapproval import readable_explanation
from yiwang.applications.services import act
from yiwang.applications.tests.factories import application
from yiwang.catalog.tests.factories import service_item
from yiwang.portal.elder import ELDER_COOKIE

pytestmark = pytest.mark.django_db

FORM = {"type": "object", "properties": {"note": {"type": "string", "title": "备注"}}}


@pytest.fixture
def items(org, calendar):
    """A birth item in two districts (one service), a deregistration item found by its word, a quiet item."""
    shangcheng_samr = org.shangcheng_samr
    birth = [
        service_item(dept, audience="person", name="出生登记", basic_code="000105002000", life_events=["birth"],
                     form_schema=FORM)
        for dept in (org.xihu_samr, shangcheng_samr)
    ]  # fmt: skip
    close = service_item(org.xihu_samr, name="企业注销登记", basic_code="000117004000", life_events=["business_start"])
    quiet = service_item(org.xihu_samr, audience="person", name="冷门事项", basic_code="000199000000", form_schema=FORM)
    from yiwang.catalog.search import rebuild_index

    rebuild_index()
    return {"birth": birth, "close": close, "quiet": quiet}


@pytest.fixture
def citizen(org):
    from yiwang.accounts.models import User
    from yiwang.registries.tests import factories

    person = factories.person(org.xihu_town, name="秦居民")
    return User.objects.create_user(username="qin", password="x" * 12, id_number=person.id_number, full_name="秦居民")


def test_home_puts_search_first_then_life_events_and_popular_services(client, items, citizen):
    for _ in range(2):
        application(items["quiet"], citizen)
    html = client.get("/").content.decode()
    assert html.index('role="search"') < html.index('id="person-events"') < html.index('id="popular-heading"')
    assert reverse("portal:life_event", args=["after-death"]) in html
    assert reverse("portal:life_event", args=["business-close"]) in html
    popular = html[html.index('id="popular-services"') :]
    # the most applied-for service first; the birth item of two districts is one card, not two
    assert popular.index("冷门事项") < popular.index("出生登记")
    assert popular.count(">出生登记</a>") == 1 and "等 2 地可办" in popular


def test_a_life_event_lists_its_services_by_theme_and_by_word(client, items):
    birth = client.get(reverse("portal:life_event", args=["birth"])).content.decode()
    assert birth.count(">出生登记</a>") == 1 and ("西湖区、上城区" in birth or "上城区、西湖区" in birth)
    assert "企业注销登记" not in birth
    close = client.get(reverse("portal:life_event", args=["business-close"])).content.decode()
    assert "企业注销登记" in close and "出生登记" not in close
    empty = client.get(reverse("portal:life_event", args=["after-death"])).content.decode()
    assert "12345" in empty  # nothing published yet: where to turn instead
    assert client.get("/events/no-such-event/").status_code == 404


def test_the_personal_space_puts_the_case_needing_the_applicant_first_with_its_next_step(
    client, items, citizen, make_official, org
):
    waiting = application(items["quiet"], citizen)
    asked = application(items["birth"][0], citizen)
    official = make_official("acceptor", org.xihu_samr)
    act(asked, "request_correction", actor=official, items=["出生医学证明不清晰"])
    client.force_login(citizen)
    html = client.get(reverse("portal:space")).content.decode()
    cases = html[html.index('id="my-cases"') :]
    assert cases.index(asked.application_no) < cases.index(waiting.application_no)
    assert "请按一次性告知清单补正材料后重新提交" in cases and "等待受理" in cases
    assert 'yw-tag--warning">待补正' in cases  # the state's label in its tag, never the code
    assert "correction_requested" not in html
    assert "您有 1 件事需要处理" in html
    assert client.get(reverse("portal:space")).status_code == 200
    client.logout()
    assert client.get(reverse("portal:space")).status_code == 302  # login first


def test_elder_mode_persists_and_only_redirects_on_this_site(client):
    response = client.post(reverse("portal:elder_mode"), {"on": "1", "next": "/services/"})
    assert response.status_code == 302 and response["Location"] == "/services/"
    assert response.cookies[ELDER_COOKIE].value == "1" and response.cookies[ELDER_COOKIE]["max-age"] > 86400 * 300
    html = client.get("/").content.decode()
    assert 'class="yw-elder"' in html and "退出长辈版" in html and 'aria-pressed="true"' in html
    off = client.post(reverse("portal:elder_mode"), {"on": "0", "next": "https://evil.example/"})
    assert off["Location"] == "/" and off.cookies[ELDER_COOKIE].value == ""
    assert 'class="yw-elder"' not in client.get("/").content.decode()
    bad = client.post(reverse("portal:elder_mode"), {"on": "maybe"})
    assert bad.status_code == 302 and ELDER_COOKIE not in bad.cookies


def test_auto_approval_explanation_shows_labels_not_codes():
    def condition(source: str, label: str, description: str, actual: str) -> dict[str, str]:
        return {"status": "passed", "source": source, "fact_label": label, "description": description, "actual": actual}

    stored = {
        "result": "true",
        "conditions": [
            condition("entity.status", "登记状态", "登记状态 = active", "active"),
            condition("credit.risk_class", "信用风险分类", "信用风险分类 属于 A、B", "C"),
            condition("form.basis", "申领依据", "申领依据 = 合法稳定就业", "合法稳定就业"),
        ],
    }
    shown = readable_explanation(stored)
    assert shown["conditions"][0]["description"] == "登记状态 = 存续" and shown["conditions"][0]["actual"] == "存续"
    assert shown["conditions"][1]["description"] == "信用风险分类 属于 A 类（信用风险低）、B 类（信用风险一般）"
    assert shown["conditions"][1]["actual"] == "C 类（信用风险较高）"
    assert shown["conditions"][2] == stored["conditions"][2]
    assert stored["conditions"][0]["actual"] == "active"  # the evidence as stored is untouched


def test_every_life_event_lists_real_services_of_the_demo_catalogue(org):
    from yiwang.demo.catalog import ensure_demo_catalog
    from yiwang.portal.frontdoor import services_for
    from yiwang.portal.life_events import ENTERPRISE_EVENTS, PERSON_EVENTS

    ensure_demo_catalog()
    for event in (*PERSON_EVENTS, *ENTERPRISE_EVENTS):
        groups = services_for(event)
        assert groups, event.slug
        assert all(g.first.audience in {event.audience, "both"} for g in groups), event.slug
    after_death = next(e for e in PERSON_EVENTS if e.slug == "after-death")
    assert [g.name for g in services_for(after_death)] == ["死亡人员户口注销"]
    closing = next(e for e in ENTERPRISE_EVENTS if e.slug == "business-close")
    assert [g.name for g in services_for(closing)] == ["企业注销登记"]
