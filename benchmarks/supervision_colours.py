"""Benchmark: three colours of 50,000 supervised items recomputed (issue 12, budget ≤ 2 s).

    python benchmarks/supervision_colours.py [--items 50000] [--naive 500] [--database-url URL]

On a fresh database (SQLite in a temporary directory unless ``--database-url`` is given) creates ``--items``
items with one monthly report each and a milestone for one in five, then measures:
- ours: ``supervision.services.recompute_colours`` (facts from the reports and milestones, one rule-engine pass
  for colours, reasons and gaming flags, a history row and a current colour per changed item, a ledger entry):
  the first run (every item new), a run after a change of rules (every reason changes) and a run where nothing
  changed;
- naive, in the same run: per item, ``rules.explain`` of red then yellow and ``ColourRecord.objects.create`` +
  ``CurrentColour.update_or_create``, on ``--naive`` items, extrapolated;
- floor: the rule-engine pass alone on the same facts (no database).
The last line is machine-readable:
``items=<n> first_s=<s> rules_changed_s=<s> unchanged_s=<s> naive_s=<s> engine_s=<s> ratio=<r> budget_s=2``
(ratio: naive over the run after a change of rules).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--naive", type=int, default=500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="yiwang-bench-"))
    os.environ["YIWANG_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    settings.DEBUG = False
    from yiwang.accounts.divisions import load_divisions
    from yiwang.accounts.models import Department, Division
    from yiwang.core.bulk import db_value, insert_rows
    from yiwang.rules import explain
    from yiwang.supervision.colours import DEFAULT_RULES, FACTS, evaluate_colours, load_colour_rules
    from yiwang.supervision.models import ColourRecord, CurrentColour, Item, Milestone, MonthlyReport
    from yiwang.supervision.services import RecomputeReport, item_facts, publish_colour_rules, recompute_colours

    call_command("migrate", verbosity=0, interactive=False)
    load_divisions(province_prefixes=["33"])
    city = Division.objects.get(code="330100")
    lead = Department.objects.create(code="330100-FGW", name="杭州市发展和改革委员会", division=city)
    as_of = date(2026, 6, 30)
    publish_colour_rules(actor=None, rules=DEFAULT_RULES, note="bench v1", as_of=as_of)  # no item yet
    started = time.perf_counter()
    rng = random.Random(12)
    d = {
        name: db_value(Item, name, value)
        for name, value in [("starts_on", date(2026, 1, 1)), ("ends_on", date(2026, 12, 31))]
    }
    with transaction.atomic():
        insert_rows(
            Item,
            ["code", "name", "category", "division", "responsible", "lead", "planned_total", "starts_on", "ends_on"],
            (
                (
                    f"XM{n:06d}",
                    f"项目{n}",
                    "project",
                    "330100",
                    lead.pk,
                    lead.pk,
                    "100000000.00",
                    d["starts_on"],
                    d["ends_on"],
                )
                for n in range(args.items)
            ),
        )
        ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
        month = db_value(MonthlyReport, "month", date(2026, 6, 1))
        now = db_value(MonthlyReport, "reported_at", timezone.now())
        rows = []
        for pk in ids:
            plan = rng.uniform(30, 70)
            actual = max(0.0, plan - rng.choice([0, 0, 0, 5, 12, 25]))
            rows.append(
                (
                    pk,
                    month,
                    f"{plan * 1e6:.2f}",
                    f"{actual * rng.uniform(0.9, 1.05) * 1e6:.2f}",
                    f"{plan:.1f}",
                    f"{actual:.1f}",
                    rng.choice([0, 2, 5]),
                    int(rng.random() < 0.05),
                    "form",
                    now,
                )
            )
        insert_rows(
            MonthlyReport,
            [
                "item",
                "month",
                "planned_investment",
                "actual_investment",
                "planned_progress",
                "actual_progress",
                "photos",
                "warning_signals",
                "source",
                "reported_at",
            ],
            rows,
        )
        due = db_value(Milestone, "due_on", date(2026, 5, 1))
        insert_rows(Milestone, ["item", "title", "due_on"], ((pk, "主体完工", due) for pk in ids[::5]))
    print(f"built {args.items:,} items with reports in {time.perf_counter() - started:.1f} s", flush=True)

    clock = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    first = recompute_colours(as_of=as_of)
    if os.environ.get("BENCH_PROFILE"):
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    first_s = time.perf_counter() - clock
    stricter = DEFAULT_RULES.replace("op: ge, value: 10,", "op: ge, value: 5,")
    clock = time.perf_counter()
    publish_colour_rules(actor=None, rules=stricter, note="bench v2", as_of=as_of)  # recomputes every colour
    rules_changed_s = time.perf_counter() - clock
    changed = RecomputeReport(
        items=args.items,
        changed=ColourRecord.objects.filter(rule_set__version=2).count(),
        counts={c: CurrentColour.objects.filter(colour=c).count() for c in ("green", "yellow", "red")},
    )
    clock = time.perf_counter()
    unchanged = recompute_colours(as_of=as_of)
    unchanged_s = time.perf_counter() - clock
    assert first.changed == args.items and changed.changed == args.items, (first, changed)
    assert unchanged.changed == 0, unchanged

    rules = load_colour_rules(stricter)
    facts = item_facts(as_of)
    clock = time.perf_counter()
    evaluate_colours(rules, facts.columns, len(facts.ids), as_of)
    engine_s = time.perf_counter() - clock

    sample = Item.objects.order_by("pk")[: args.naive]
    from yiwang.supervision.models import ColourRuleSet

    rule_set = ColourRuleSet.objects.get(in_force=True)
    clock = time.perf_counter()
    with transaction.atomic():
        for it in sample:
            one = item_facts(as_of, [it.pk])
            values = one.values(0)
            colour = "green"
            for name in ("red", "yellow"):
                if explain(rules.colours[name], values, FACTS, as_of).result == "true":
                    colour = name
                    break
            rec = ColourRecord.objects.create(
                item=it,
                rule_set=rule_set,
                colour=colour,
                reason={"values": values},
                as_of=as_of,
                computed_at=timezone.now(),
            )
            CurrentColour.objects.update_or_create(item=it, defaults={"record": rec, "colour": colour})
    naive_s = (time.perf_counter() - clock) * args.items / max(args.naive, 1)

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}; colours after the rule change: {changed.counts}")
    print(f"ours, first run:        {first_s:7.2f} s for {args.items:,} items")
    print(f"ours, rules changed:    {rules_changed_s:7.2f} s (every colour's reason rewritten, history kept)")
    print(f"ours, nothing changed:  {unchanged_s:7.2f} s")
    print(f"naive:                  {naive_s:7.2f} s (explain + create per item, {args.naive} items, extrapolated)")
    print(f"floor (engine alone):   {engine_s:7.2f} s")
    print(
        f"items={args.items} first_s={first_s:.3f} rules_changed_s={rules_changed_s:.3f} unchanged_s={unchanged_s:.3f} "
        f"naive_s={naive_s:.3f} engine_s={engine_s:.3f} ratio={naive_s / rules_changed_s:.1f} budget_s=2"
    )


if __name__ == "__main__":
    main()
