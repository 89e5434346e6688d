"""Benchmark: three colours of 50,000 supervised items recomputed (issue 12, budget ≤ 2 s).

    python benchmarks/supervision_colours.py [--items 50000] [--naive 500] [--database-url URL]

On a fresh database (SQLite in a temporary directory unless ``--database-url`` is given) creates ``--items``
items with one monthly report each and a milestone for one in five, then measures:
- ours: ``supervision.services.recompute_colours`` (facts in three raw queries read as numbers, one rule-engine
  pass for colours, reasons and gaming flags, a history row and an upserted current colour per changed item, a
  ledger entry): the first run (every item new), a run after a change of rules (every reason changes), the
  nightly run where 1% of the items have a new report, and a run where nothing changed;
- naive, in the same run: per item, ``rules.explain`` of red then yellow and ``ColourRecord.objects.create`` +
  ``CurrentColour.update_or_create``, on ``--naive`` items, extrapolated;
- strong, in the same run: what a competent Django engineer writes: the facts through the ORM (``values_list``
  of the items, every report newest first, milestones counted with ``annotate``), the same engine pass, and
  ``bulk_create`` of the history + ``bulk_update`` of the current colours (rolled back afterwards);
- floor: the three fact queries' rows fetched alone, plus the engine pass alone on the facts in memory (the
  least any recomputation does; writes come on top when colours change).
The last line is machine-readable:
``items=<n> first_s=<s> rules_changed_s=<s> nightly_s=<s> unchanged_s=<s> naive_s=<s> strong_s=<s>
strong_unchanged_s=<s> floor_s=<s> engine_s=<s> budget_s=2``.
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
    if os.environ.get("BENCH_PROFILE") == "first":
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    first = recompute_colours(as_of=as_of)
    if os.environ.get("BENCH_PROFILE") == "first":
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
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
    if os.environ.get("BENCH_PROFILE") == "unchanged":
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    unchanged = recompute_colours(as_of=as_of)
    unchanged_s = time.perf_counter() - clock
    if os.environ.get("BENCH_PROFILE") == "unchanged":
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
    assert first.changed == args.items and changed.changed == args.items, (first, changed)
    assert unchanged.changed == 0, unchanged
    behind = ids[::100]  # 1% of the items report a month far behind plan
    MonthlyReport.objects.filter(item_id__in=behind).update(actual_progress=0, actual_investment=0)
    clock = time.perf_counter()
    nightly = recompute_colours(as_of=as_of)
    nightly_s = time.perf_counter() - clock
    assert 0 < nightly.changed <= len(behind), (nightly, len(behind))

    from django.db import connection

    def fetch_floor() -> float:
        """The three fact queries' rows, fetched and nothing else."""
        clock = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in (
                "SELECT id, CAST(starts_on AS TEXT) FROM supervision_item WHERE starts_on <= %s",
                "SELECT r.item_id, CAST(r.month AS TEXT), CAST(r.planned_investment AS DOUBLE PRECISION), "
                "CAST(r.actual_investment AS DOUBLE PRECISION), CAST(r.planned_progress AS DOUBLE PRECISION), "
                "CAST(r.actual_progress AS DOUBLE PRECISION), r.photos, r.warning_signals, "
                "CAST(r.registry_investment AS DOUBLE PRECISION) FROM supervision_monthlyreport r JOIN "
                "(SELECT item_id, MAX(month) AS latest FROM supervision_monthlyreport WHERE month <= %s "
                "GROUP BY item_id) l ON l.item_id = r.item_id AND l.latest = r.month",
                "SELECT item_id, COUNT(*) FROM supervision_milestone WHERE due_on < %s AND done_on IS NULL "
                "GROUP BY item_id",
            ):
                cursor.execute(sql, [as_of.isoformat()])
                cursor.fetchall()
        return time.perf_counter() - clock

    fetch_s = fetch_floor()

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
    strong_s, strong_unchanged_s = strong(as_of, DEFAULT_RULES)

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}; colours after the rule change: {changed.counts}")
    print(f"ours, first run:        {first_s:7.2f} s for {args.items:,} items")
    print(f"ours, rules changed:    {rules_changed_s:7.2f} s (every colour's reason rewritten, history kept)")
    print(f"ours, nightly (1% new): {nightly_s:7.2f} s ({nightly.changed:,} colours changed)")
    print(f"ours, nothing changed:  {unchanged_s:7.2f} s")
    print(f"naive:                  {naive_s:7.2f} s (explain + create per item, {args.naive} items, extrapolated)")
    print(f"strong, rules changed:  {strong_s:7.2f} s (ORM facts, engine, bulk_create + bulk_update)")
    print(f"strong, nothing changed:{strong_unchanged_s:7.2f} s (ORM facts, engine, signatures compared)")
    print(
        f"floor:                  {fetch_s + engine_s:7.2f} s "
        f"(fact rows fetched {fetch_s:.2f} s + engine {engine_s:.2f} s)"
    )
    print(
        f"items={args.items} first_s={first_s:.3f} rules_changed_s={rules_changed_s:.3f} nightly_s={nightly_s:.3f} "
        f"unchanged_s={unchanged_s:.3f} naive_s={naive_s:.3f} strong_s={strong_s:.3f} "
        f"strong_unchanged_s={strong_unchanged_s:.3f} floor_s={fetch_s + engine_s:.3f} engine_s={engine_s:.3f} "
        "budget_s=2"
    )


def strong(as_of, rules_text: str) -> tuple[float, float]:
    """The ORM way, in the same run: facts through ``values_list``, the engine, ``bulk_create`` of a history row
    for every item and ``bulk_update`` of every current colour (the rules-changed case), rolled back; then the
    same facts and engine with the signatures compared and nothing written (the unchanged case)."""
    import numpy as np
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from yiwang.supervision.colours import evaluate_colours, load_colour_rules
    from yiwang.supervision.models import ColourRecord, ColourRuleSet, CurrentColour, Item, Milestone, MonthlyReport

    def facts() -> tuple[list[int], dict]:
        rows = list(Item.objects.filter(starts_on__lte=as_of).order_by("pk").values_list("pk", "starts_on"))
        ids = [pk for pk, _start in rows]
        index = {pk: i for i, pk in enumerate(ids)}
        n = len(ids)
        cols = {k: np.full(n, np.nan) for k in ("progress_gap", "investment_ratio", "actual_progress", "registry_gap")}
        ints = {
            k: np.ma.masked_array(np.zeros(n, np.int64), mask=np.ones(n, bool)) for k in ("warning_signals", "photos")
        }
        silent = np.array([(as_of.year - s.year) * 12 + as_of.month - s.month + 1 for _pk, s in rows], np.int64)
        seen: set[int] = set()
        for item_id, month, plan, actual, p_plan, p_actual, pics, signals, registry in (
            MonthlyReport.objects.filter(month__lte=as_of)
            .order_by("item_id", "-month")
            .values_list(
                "item_id",
                "month",
                "planned_investment",
                "actual_investment",
                "planned_progress",
                "actual_progress",
                "photos",
                "warning_signals",
                "registry_investment",
            )
        ):
            if item_id in seen:
                continue
            seen.add(item_id)
            i = index[item_id]
            cols["progress_gap"][i] = float(p_plan - p_actual)
            cols["actual_progress"][i] = float(p_actual)
            if plan > 0:
                cols["investment_ratio"][i] = float(actual * 100 / plan)
            if registry:
                cols["registry_gap"][i] = float((actual - registry) * 100 / registry)
            ints["warning_signals"][i], ints["photos"][i] = signals, pics
            silent[i] = (as_of.year - month.year) * 12 + as_of.month - month.month
        overdue = np.zeros(n, np.int64)
        for item_id, count in (
            Milestone.objects.filter(due_on__lt=as_of, done_on__isnull=True)
            .values("item_id")
            .annotate(n=Count("pk"))
            .values_list("item_id", "n")
        ):
            overdue[index[item_id]] = count
        return ids, {**cols, **ints, "months_without_report": silent, "overdue_milestones": overdue}

    rules = load_colour_rules(rules_text)
    rule_set = ColourRuleSet.objects.get(in_force=True)
    leaf_ids = {pid: leaf.id for pid, (_owner, leaf) in rules.leaves.items()}
    clock = time.perf_counter()
    with transaction.atomic():
        ids, columns = facts()
        evaluation = evaluate_colours(rules, columns, len(ids), as_of)
        now = timezone.now()
        records = ColourRecord.objects.bulk_create(
            [
                ColourRecord(
                    item_id=pk,
                    rule_set=rule_set,
                    colour=evaluation.colour[row],
                    reason={"held": [leaf_ids[p] for p in evaluation.held(row)], "as_of": as_of.isoformat()},
                    as_of=as_of,
                    computed_at=now,
                )
                for row, pk in enumerate(ids)
            ],
            batch_size=5000,
        )
        current = {c.item_id: c for c in CurrentColour.objects.filter(item_id__in=ids)}
        for row, (pk, rec) in enumerate(zip(ids, records, strict=True)):
            c = current[pk]
            c.record, c.colour, c.gaming_flags = rec, evaluation.colour[row], evaluation.flags(row)
        CurrentColour.objects.bulk_update(current.values(), ["record", "colour", "gaming_flags"], batch_size=5000)
        strong_s = time.perf_counter() - clock
        transaction.set_rollback(True)
    clock = time.perf_counter()
    ids, columns = facts()
    evaluation = evaluate_colours(rules, columns, len(ids), as_of)
    known = dict(CurrentColour.objects.values_list("item_id", "signature"))
    changed = sum(
        known.get(pk) != f"{rule_set.pk}|{evaluation.colour[row]}|{','.join(leaf_ids[p] for p in evaluation.held(row))}"
        for row, pk in enumerate(ids)
    )
    del changed
    return strong_s, time.perf_counter() - clock


if __name__ == "__main__":
    main()
