"""The demo city's 一网协同 and 督查督办: an instruction with silent units reminded and escalated, a task force with
a board in every state, supervised items in the three colours the data give, a rectification order."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from yiwang.collaboration.models import Instruction, OrgUnit, Receipt, Task, TaskForce
from yiwang.collaboration.services import silent_receipts, verify_receipts
from yiwang.core.models import Notification
from yiwang.supervision.models import CurrentColour, Item, RectificationOrder

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_city_has_instructions_a_task_force_and_items_in_three_colours(settings):
    from yiwang.demo.seeding import seed_demo_city

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    report = seed_demo_city(persons=200, enterprises=30)
    usernames = {login.username for login in report.logins}
    assert {"demo-collab-sender", "demo-tf-leader", "demo-sup-lead", "demo-sup-resp"} <= usernames

    units = yaml.safe_load((DATA / "collaboration" / "units.yaml").read_text(encoding="utf-8"))
    communities = sum(len(names) for names in units["townships"].values())
    assert OrgUnit.objects.filter(level=5, path__startswith="330000/330100/330106/").count() == 2 * communities

    flood = Instruction.objects.get(idempotency_key="demo-collab-flood")
    assert flood.receipt_count == 2 * communities
    assert Receipt.objects.filter(instruction=flood, state="reported").count() == 8
    assert Receipt.objects.filter(instruction=flood, state="acknowledged").count() == 2
    silent = list(silent_receipts(flood))
    assert len(silent) == flood.receipt_count - 10
    assert all(r.reminders == 1 and r.escalated_at is not None for r in silent)
    assert verify_receipts(flood) == []
    township_liaison = silent[0].unit.parent.liaison
    assert Notification.objects.filter(recipient=township_liaison, channel="sms", subject__contains="督促").exists()
    fire = Instruction.objects.get(idempotency_key="demo-collab-fire")
    first_two = [login.username for login in report.logins if login.username.startswith("demo-unit-")][:2]
    assert set(
        Receipt.objects.filter(instruction=fire, unit__liaison__username__in=first_two).values_list("state", flat=True)
    ) == {"pending"}

    force = TaskForce.objects.get()
    assert set(force.tasks.values_list("state", flat=True)) == set(Task.State.values)
    assert force.members.filter(is_expert=True).exists() and force.meetings.get().decisions.count() == 2
    assert force.league_tables.get().rows[0]["rank"] == 1

    items = yaml.safe_load((DATA / "supervision" / "items.yaml").read_text(encoding="utf-8"))["items"]
    colours = dict(CurrentColour.objects.values_list("item__code", "colour"))
    assert colours == {spec["code"]: spec["expect"] for spec in items}
    flags = {c.item.code: c.gaming_flags for c in CurrentColour.objects.select_related("item") if c.gaming_flags}
    assert flags == {spec["code"]: spec["flags"] for spec in items if spec.get("flags")}
    assert {"project", "livelihood", "policy"} <= set(Item.objects.values_list("category", flat=True))
    order = RectificationOrder.objects.get()
    assert order.item.code == "ZD2026-003" and order.state == "open"

    assert Item.objects.filter(code__in=[spec["code"] for spec in items]).count() == len(items)
    supervised = Item.objects.count()  # with the 民生实事 projects that 政务公开's demo puts under supervision
    again = seed_demo_city(persons=200, enterprises=30)
    assert Instruction.objects.count() == 2 and TaskForce.objects.count() == 1 and Item.objects.count() == supervised
    assert RectificationOrder.objects.count() == 1 and len(again.logins) == len(report.logins)
