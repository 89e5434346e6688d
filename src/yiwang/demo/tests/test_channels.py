"""The front door and the 帮代办 channel on the demo city: every life event has its services; the demo's community
worker may apply for a resident of their street and for nobody else."""

from __future__ import annotations

import pytest

from yiwang.accounts.models import User
from yiwang.catalog.models import ServiceItem
from yiwang.channels.services import start_confirmation
from yiwang.core.errors import PermissionDenied
from yiwang.demo.seeding import seed_demo_city
from yiwang.portal.frontdoor import services_for
from yiwang.portal.life_events import ENTERPRISE_EVENTS, PERSON_EVENTS
from yiwang.registries.models import Person

pytestmark = pytest.mark.django_db


def test_every_life_event_lists_real_services_and_the_helper_serves_their_street():
    report = seed_demo_city(seed=7, persons=300, enterprises=40)
    for event in (*PERSON_EVENTS, *ENTERPRISE_EVENTS):
        groups = services_for(event)
        assert groups, event.slug
        assert all(g.first.audience in {event.audience, "both"} for g in groups), event.slug
    assert [g.name for g in services_for(next(e for e in PERSON_EVENTS if e.slug == "after-death"))] == [
        "死亡人员户口注销"
    ]

    helper = User.objects.get(username="demo-helper")
    assert any(login.username == "demo-helper" for login in report.logins)
    street = helper.assignments.get(role__code="community_helper").division
    item = ServiceItem.objects.filter(name="高龄津贴申领", division_id=street.code[:6]).first()
    neighbour = next(p for p in Person.objects.filter(division=street, is_deceased=False) if p.phone)
    confirmation = start_confirmation(helper, item, id_number=neighbour.id_number, name=neighbour.name, kind="assisted")
    assert confirmation.applicant.full_name == neighbour.name
    stranger = next(p for p in Person.objects.exclude(division=street).filter(is_deceased=False) if p.phone)
    with pytest.raises(PermissionDenied):
        start_confirmation(helper, item, id_number=stranger.id_number, name=stranger.name, kind="assisted")
