"""The demo city's sharing: catalogue, open datasets and grants loaded idempotently; the demo citizen sees the
read of their record with its purpose."""

from __future__ import annotations

import pytest

from yiwang.accounts.models import User
from yiwang.demo.seeding import seed_demo_city
from yiwang.sharing.models import Grant, OpenDataset, Resource
from yiwang.sharing.services.whoread import reads_of


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_demo_city_shares_and_opens_data():
    seed_demo_city(seed=11, persons=400, enterprises=60)
    assert set(Resource.objects.values_list("code", flat=True)) >= {"BASE-PERSON", "BASE-ENTITY", "BASE-CREDIT"}
    assert OpenDataset.objects.count() == 3
    county_table = OpenDataset.objects.get(name="enterprises-by-county")
    assert sum(row[1] for row in county_table.rows) > 0
    assert Grant.objects.filter(status=Grant.Status.APPROVED).count() == 2
    citizen = User.objects.get(username="demo-citizen")
    assert [e.reason for e in reads_of(citizen)] == ["社会保障卡申领核验身份信息"]
    seed_demo_city(seed=11, persons=400, enterprises=60)
    assert Grant.objects.count() == 2 and OpenDataset.objects.count() == 3
