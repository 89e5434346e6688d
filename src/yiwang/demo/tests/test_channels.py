"""The 帮代办 channel on the demo city: the demo's community worker may apply for a resident of their street and
for nobody else."""

from __future__ import annotations

import pytest

from yiwang.accounts.models import User
from yiwang.catalog.models import ServiceItem
from yiwang.channels.services import start_confirmation
from yiwang.core.errors import PermissionDenied
from yiwang.demo.seeding import seed_demo_city
from yiwang.registries.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_helper_serves_the_residents_of_their_street_only():
    report = seed_demo_city(seed=7, persons=300, enterprises=40)

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
