"""The officials' inbox: only their department and division, most urgent first; the applicant's other steps."""

from __future__ import annotations

from datetime import date

import pytest

from yiwang.applications.lifecycle import State
from yiwang.applications.selectors import inbox_for
from yiwang.applications.services import act, submit_application
from yiwang.applications.tests.conftest import fixed_today
from yiwang.core.errors import Conflict, PermissionDenied


def _apply(item, agent, plan, key):
    return submit_application(
        item,
        user=agent,
        form_data={
            "business_premises": "文三路 1 号",
            "main_business_format": "餐饮服务经营者",
            "business_items": "热食类食品制售",
        },
        idempotency_key=key,
        uploads={m.pk: plan for m in item.materials.all()},
    )


@pytest.mark.django_db
def test_inbox_is_scoped_and_sorted_by_deadline(monkeypatch, org, make_official, food_item, agent, plan):
    clerk = make_official("clerk", org.xihu_samr)
    later = _apply(food_item, agent, plan, "key-later-0001")
    sooner = _apply(food_item, agent, plan, "key-sooner-001")
    waiting = _apply(food_item, agent, plan, "key-waiting-01")
    fixed_today(monkeypatch, date(2026, 11, 2))
    act(sooner, "accept", actor=clerk)
    fixed_today(monkeypatch, date(2026, 11, 9))
    act(later, "accept", actor=clerk)
    assert [a.pk for a in inbox_for(clerk)] == [sooner.pk, later.pk, waiting.pk]
    assert list(inbox_for(make_official("outsider", org.shangcheng_samr))) == []
    act(later, "withdraw", actor=agent, note="不再经营")
    assert later.pk not in [a.pk for a in inbox_for(clerk)]


@pytest.mark.django_db
def test_deficiency_commitment_and_refusal(org, make_official, food_item, agent, plan, enterprise):
    clerk = make_official("clerk", org.xihu_samr)
    first = _apply(food_item, agent, plan, "key-deficiency")
    act(first, "accept_with_deficiency", actor=clerk, deficiency=["经营场所平面图（原件）"])
    first.refresh_from_db()
    assert first.state == State.ACCEPTED and first.deficiency == ["经营场所平面图（原件）"] and first.due_on
    second = _apply(food_item, agent, plan, "key-commitment")
    act(second, "approve_on_commitment", actor=clerk, note="申请人已书面承诺")
    second.refresh_from_db()
    assert second.state == State.APPROVED and second.commitment
    third = _apply(food_item, agent, plan, "key-refused-01")
    act(third, "refuse", actor=clerk, note="不属于本机关职权范围")
    third.refresh_from_db()
    assert third.state == State.REFUSED and third.decision_reason == "不属于本机关职权范围"
    with pytest.raises(Conflict):
        act(third, "withdraw", actor=agent)  # a refused application is final
    with pytest.raises(PermissionDenied):
        act(first, "withdraw", actor=clerk)  # only the applicant withdraws


@pytest.mark.django_db
def test_reminders_once_per_case_colour_and_day(monkeypatch, org, make_official, food_item, agent, plan):
    from yiwang.applications.reminders import send_deadline_reminders
    from yiwang.core.models import Notification

    clerk = make_official("clerk", org.xihu_samr)
    application = _apply(food_item, agent, plan, "key-remind-001")
    fixed_today(monkeypatch, date(2026, 9, 29))
    act(application, "accept", actor=clerk)  # due 12 Oct 2026
    fixed_today(monkeypatch, date(2026, 9, 30))
    assert send_deadline_reminders() == 0  # green
    fixed_today(monkeypatch, date(2026, 10, 9))
    assert send_deadline_reminders() == 1  # yellow
    assert send_deadline_reminders() == 1  # same day again: the outbox keeps one row
    fixed_today(monkeypatch, date(2026, 10, 13))
    send_deadline_reminders()
    bodies = list(
        Notification.objects.filter(recipient=clerk, subject="催办提醒").order_by("pk").values_list("body", flat=True)
    )
    assert len(bodies) == 2 and "已超过承诺办结日期" in bodies[-1]


@pytest.mark.django_db
def test_bulk_accept_and_public_ratings_page(client, org, make_official, food_item, agent, plan):
    clerk = make_official("clerk", org.xihu_samr)
    first = _apply(food_item, agent, plan, "key-bulk-00001")
    second = _apply(food_item, agent, plan, "key-bulk-00002")
    client.force_login(clerk)
    client.post("/workbench/inbox/", {"action": "accept", "selected": [first.application_no, second.application_no]})
    assert {a.state for a in inbox_for(clerk)} == {State.ACCEPTED}
    assert (
        client.post("/workbench/inbox/", {"action": "approve", "selected": [first.application_no]}).status_code == 404
    )
    client.logout()
    assert "政务服务好差评公开" in client.get("/applications/ratings/").content.decode()  # public, no login


@pytest.mark.django_db
def test_inbox_filters_searches_counts_sorts_and_cuts_by_channel(
    monkeypatch, org, make_official, food_item, agent, plan, client
):
    from django.urls import reverse

    from yiwang.applications.models import Application, Channel

    clerk = make_official("clerk", org.xihu_samr)
    first = _apply(food_item, agent, plan, "key-first-0001")
    second = _apply(food_item, agent, plan, "key-second-001")
    third = _apply(food_item, agent, plan, "key-third-0001")
    Application.objects.filter(pk=third.pk).update(channel=Channel.WINDOW)
    fixed_today(monkeypatch, date(2026, 11, 2))
    act(first, "accept", actor=clerk)  # due 2026-11-09: overdue by the 20th
    fixed_today(monkeypatch, date(2026, 11, 20))
    client.force_login(clerk)
    url = reverse("applications:workbench:inbox")

    def numbers(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        html = response.content.decode()
        return [a.application_no for a in (first, second, third) if a.application_no in html], html

    shown, html = numbers()
    assert shown == [first.application_no, second.application_no, third.application_no]
    assert 'id="count-total">3<' in html and 'id="count-submitted">2<' in html and 'id="count-overdue">1<' in html
    assert 'id="count-channel-window">1<' in html
    assert numbers(state="accepted")[0] == [first.application_no]
    assert numbers(deadline="overdue")[0] == [first.application_no]
    assert numbers(channel="window")[0] == [third.application_no]
    assert numbers(q=second.application_no)[0] == [second.application_no]
    assert numbers(q="没有这个人")[0] == []
    newest = client.get(url, {"sort": "newest"}).content.decode()
    assert newest.index(third.application_no) < newest.index(second.application_no) < newest.index(first.application_no)
    report = newest[newest.index('id="channel-report"') :]
    assert "窗口办</th><td>1</td>" in report and "网上办</th><td>2</td>" in report
    assert client.get(url, {"state": "nonsense"}).status_code == 400  # a bad filter is said, not ignored
