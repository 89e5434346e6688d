"""Three colours by versioned rules: every colour carries its reason; a rule change recomputes and keeps history."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.core.errors import ValidationFailed
from yiwang.supervision.colours import DEFAULT_RULES
from yiwang.supervision.models import ColourRecord, CurrentColour, Milestone
from yiwang.supervision.services import describe_reason, publish_colour_rules, recompute_colours
from yiwang.supervision.tests.factories import item, report


def _colour(it):
    return CurrentColour.objects.select_related("record").get(item=it)


def test_an_item_falling_behind_plan_turns_yellow_then_red_with_its_reason(desk):
    project = item(desk.responsible, desk.lead)
    report(project, "2026-01", plan=10, actual=10)
    recompute_colours(as_of=dt.date(2026, 1, 31))
    assert _colour(project).colour == "green"

    report(project, "2026-02", plan=20, actual=8, investment=18)
    recompute_colours(as_of=dt.date(2026, 2, 28))
    yellow = _colour(project)
    assert yellow.colour == "yellow"
    reason = describe_reason(yellow.record)
    assert [c["id"] for c in reason["conditions"]] == ["progress_behind"]
    assert reason["conditions"][0]["actual"] == 12.0 and reason["conditions"][0]["value"] == 10.0
    assert (
        reason["as_of"] == "2026-02-28" and reason["rule_set"] == 1 and "第十一条" in reason["conditions"][0]["clause"]
    )

    report(project, "2026-03", plan=30, actual=8, investment=25)
    recompute_colours(as_of=dt.date(2026, 3, 31))
    red = _colour(project)
    assert red.colour == "red"
    assert [c["id"] for c in describe_reason(red.record)["conditions"]] == ["progress_far_behind"]
    assert list(ColourRecord.objects.filter(item=project).order_by("pk").values_list("colour", flat=True)) == [
        "green",
        "yellow",
        "red",
    ]


def test_an_unchanged_colour_adds_no_history_and_overdue_milestones_count(desk):
    project = item(
        desk.responsible, desk.lead, milestones=[("开工", dt.date(2026, 1, 15)), ("主体", dt.date(2026, 2, 1))]
    )
    report(project, "2026-02", plan=20, actual=20)
    recompute_colours(as_of=dt.date(2026, 2, 10))
    recompute_colours(as_of=dt.date(2026, 2, 11))
    assert ColourRecord.objects.filter(item=project).count() == 1
    reason = _colour(project).record.reason
    assert _colour(project).colour == "red" and reason["values"]["overdue_milestones"] == 2

    Milestone.objects.filter(item=project).update(done_on=dt.date(2026, 2, 1))
    recompute_colours(as_of=dt.date(2026, 2, 12))
    assert _colour(project).colour == "green"


def test_a_rule_change_recomputes_every_colour_and_keeps_the_old_ones(desk):
    a, b = item(desk.responsible, desk.lead, code="A"), item(desk.responsible, desk.lead, code="B")
    report(a, "2026-02", plan=20, actual=14, investment=20)  # 6 points behind: green under v1
    report(b, "2026-02", plan=20, actual=20)
    recompute_colours(as_of=dt.date(2026, 2, 28))
    assert _colour(a).colour == "green"

    stricter = DEFAULT_RULES.replace("op: ge, value: 10,", "op: ge, value: 5,")
    publish_colour_rules(
        actor=desk.lead_official, rules=stricter, note="滞后 5 个百分点即预警", as_of=dt.date(2026, 2, 28)
    )

    assert _colour(a).colour == "yellow" and _colour(a).record.reason["rule_set"] == 2
    assert _colour(b).colour == "green" and _colour(b).record.reason["rule_set"] == 2
    history = list(ColourRecord.objects.filter(item=a).order_by("pk").values_list("rule_set__version", "colour"))
    assert history == [(1, "green"), (2, "yellow")]


def test_bad_rules_are_refused_naming_the_path_and_change_nothing(desk):
    broken = DEFAULT_RULES.replace(
        "fact: progress_gap, op: ge, value: 20", "fact: progress_gap, op: contains_any, value: 20"
    )
    with pytest.raises(ValidationFailed) as caught:
        publish_colour_rules(actor=desk.lead_official, rules=broken, note="x")
    assert caught.value.field == "rules" and "colours.red" in str(caught.value.message)
    assert ColourRecord.objects.count() == 0


def test_likely_gaming_is_flagged_full_progress_without_photos_and_registry_contradiction(desk):
    honest = item(desk.responsible, desk.lead, code="H")
    bare = item(desk.responsible, desk.lead, code="P")
    inflated = item(desk.responsible, desk.lead, code="I")
    report(honest, "2026-02", plan=100, actual=100, photos=4, registry_investment=1_000_000_000)
    report(bare, "2026-02", plan=100, actual=100, photos=0)
    report(inflated, "2026-02", plan=50, actual=50, registry_investment=300_000_000)  # reports 5 亿, registry 3 亿
    recompute_colours(as_of=dt.date(2026, 2, 28))

    assert _colour(honest).gaming_flags == []
    assert _colour(bare).gaming_flags == ["full_without_evidence"]
    assert _colour(inflated).gaming_flags == ["registry_contradicts"]
