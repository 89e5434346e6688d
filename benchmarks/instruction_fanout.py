"""Benchmark: one instruction fanned out to 30,000 units (issue 12, budget ≤ 5 s with receipt rows and notices).

    python benchmarks/instruction_fanout.py [--units 30000] [--naive 1000] [--database-url URL]

On a fresh database (SQLite in a temporary directory unless ``--database-url`` is given) builds 西湖区's
townships and ``--units`` villages and grid groups under them, each with a liaison, then measures:
- ours: ``collaboration.services.send_instruction`` to the whole district (receipts and portal notices in bulk,
  deadlines from the working-day calendar, one ledger entry with the SM3 digest of the units);
- naive, in the same run: ``Receipt.objects.create`` and ``core.notify.notify`` per unit, on ``--naive`` units,
  extrapolated;
- bulk_create: Django's ``bulk_create`` of the same receipt and notice rows (no selection, no deadlines, no
  ledger), the usual "strong" way;
- floor: ``executemany`` of the same rows, already prepared, alone.
The last line is machine-readable:
``units=<n> ours_s=<s> naive_s=<s> bulk_create_s=<s> floor_s=<s> ratio=<naive/ours> budget_s=5``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--naive", type=int, default=1000)
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
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    settings.DEBUG = False
    from yiwang.accounts.divisions import load_divisions
    from yiwang.accounts.models import Department, Division, User
    from yiwang.collaboration.models import Instruction, OrgUnit, Receipt
    from yiwang.collaboration.services import send_instruction, sync_division_units
    from yiwang.core.models import Notification
    from yiwang.core.notify import notify
    from yiwang.core.workdays import seed_work_calendar

    call_command("migrate", verbosity=0, interactive=False)
    load_divisions(province_prefixes=["33"])
    seed_work_calendar([2026])
    sync_division_units("330106")
    district = Division.objects.get(code="330106")
    department = Department.objects.create(code="330106-BGS", name="西湖区政府办公室", division=district)
    sender = User.objects.create_user(username="bench-admin", password="x" * 16, kind=User.Kind.ADMIN)

    started = time.perf_counter()
    townships = list(OrgUnit.objects.filter(parent__code="330106").order_by("code"))
    unusable = make_password(None)
    users = [User(username=f"liaison-{n}", kind=User.Kind.OFFICIAL, password=unusable) for n in range(args.units)]
    User.objects.bulk_create(users, batch_size=5000)
    user_ids = list(User.objects.filter(username__startswith="liaison-").order_by("pk").values_list("pk", flat=True))
    units = []
    for n in range(args.units):
        township = townships[n % len(townships)]
        code = f"{township.code}{n:06d}"
        units.append(
            OrgUnit(
                code=code,
                name=f"单位{n}",
                level=5,
                kind=OrgUnit.Kind.VILLAGE,
                parent=township,
                division_id=township.division_id,
                path=f"{township.path}{code}/",
                liaison_id=user_ids[n],
            )
        )
    OrgUnit.objects.bulk_create(units, batch_size=5000)
    print(f"built {args.units:,} units with liaisons in {time.perf_counter() - started:.1f} s", flush=True)

    clock = time.perf_counter()
    instruction = send_instruction(
        actor=sender,
        department=department,
        title="防汛防台紧急通知",
        body="请各村社区、网格立即排查隐患并签收。",
        roots=["330106"],
        levels=[5],
        idempotency_key="bench-1",
        today=date(2026, 6, 1),
    )
    ours_s = time.perf_counter() - clock
    receipts = Receipt.objects.filter(instruction=instruction).count()
    notices = Notification.objects.filter(object_id=str(instruction.pk)).count()
    assert receipts == args.units == notices, (receipts, notices)

    naive_units = list(OrgUnit.objects.filter(level=5).order_by("pk")[: args.naive])
    clock = time.perf_counter()
    with transaction.atomic():
        other = Instruction.objects.create(
            title="naive",
            body="naive",
            sender=sender,
            department=department,
            sent_at=instruction.sent_at,
            idempotency_key="bench-naive",
        )
        for unit in naive_units:
            Receipt.objects.create(instruction=other, unit=unit, level=unit.level, due_on=date(2026, 6, 2))
            notify(unit.liaison, "naive", "naive", dedupe_key=f"naive:{unit.pk}", obj=other)
    naive_s = (time.perf_counter() - clock) * args.units / max(len(naive_units), 1)

    floor_instruction = Instruction.objects.create(
        title="floor",
        body="floor",
        sender=sender,
        department=department,
        sent_at=instruction.sent_at,
        idempotency_key="bench-floor",
    )
    pairs = list(OrgUnit.objects.filter(level=5).values_list("pk", "liaison_id"))
    clock = time.perf_counter()
    with transaction.atomic():
        Receipt.objects.bulk_create(
            [Receipt(instruction=floor_instruction, unit_id=pk, level=5, due_on=date(2026, 6, 2)) for pk, _l in pairs],
            batch_size=5000,
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=liaison, channel="portal", subject="floor", dedupe_key=f"floor:{pk}", state="sent"
                )
                for pk, liaison in pairs
            ],
            batch_size=5000,
        )
    bulk_create_s = time.perf_counter() - clock

    from yiwang.core.bulk import db_value, insert_rows

    floor_instruction = Instruction.objects.create(
        title="floor",
        body="floor",
        sender=sender,
        department=department,
        sent_at=instruction.sent_at,
        idempotency_key="bench-floor-2",
    )
    receipt_rows = [(floor_instruction.pk, pk, 5, "2026-06-02", "pending", "", 0) for pk, _l in pairs]
    at = db_value(Notification, "created_at", instruction.sent_at)
    notice_rows = [
        (liaison, "portal", "floor", "", "", f"floor2:{pk}", "sent", 0, "", at, "", "") for pk, liaison in pairs
    ]
    clock = time.perf_counter()
    with transaction.atomic():
        insert_rows(Receipt, ["instruction", "unit", "level", "due_on", "state", "report", "reminders"], receipt_rows)
        insert_rows(
            Notification,
            [
                "recipient",
                "channel",
                "subject",
                "body",
                "url",
                "dedupe_key",
                "state",
                "attempts",
                "last_error",
                "created_at",
                "object_type",
                "object_id",
            ],
            notice_rows,
        )
    floor_s = time.perf_counter() - clock

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}")
    print(f"ours:  {ours_s:7.2f} s for {args.units:,} units (receipts, notices, deadlines, ledger entry)")
    print(f"naive: {naive_s:7.2f} s (create() + notify() per unit, measured on {len(naive_units):,}, extrapolated)")
    print(f"bulk_create: {bulk_create_s:7.2f} s (Django bulk_create of the same receipt and notice rows)")
    print(f"floor: {floor_s:7.2f} s (executemany of the same rows, prepared, alone)")
    print(
        f"units={args.units} ours_s={ours_s:.3f} naive_s={naive_s:.3f} floor_s={floor_s:.3f} "
        f"bulk_create_s={bulk_create_s:.3f} ratio={naive_s / ours_s:.1f} budget_s=5"
    )


if __name__ == "__main__":
    main()
