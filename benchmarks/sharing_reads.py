"""Benchmark: a granted API read of one record, enforcement and logging included (budget p95 ≤ 20 ms).

    python benchmarks/sharing_reads.py [--reads 2000] [--entities 5000] [--database-url URL]

On a fresh database (SQLite in a temporary directory unless ``--database-url`` is given) with ``--entities``
enterprises and one approved grant, measures in one run:
- strong: ``GET /api/v1/sharing/read/<uscc>`` through Django's test client with the grant's bearer credential
  (credential lookup, standing, fields, row lock, minute rate and daily volume, row scope, the read log row and
  the hash-chained audit entry against the record);
- naive: the same enforcement written the obvious way, counting the minute and the day by loading every read-log
  row of the grant into Python (grows with the grant's history);
- floor: one indexed SELECT of the record and one INSERT of a log row in a transaction, no HTTP, no enforcement.
The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--entities", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ["YIWANG_DATA_DIR"] = tempfile.mkdtemp(prefix="yiwang-bench-")
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

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from yiwang.accounts.models import Department, Division, RoleAssignment, User
    from yiwang.accounts.roles import ensure_default_roles
    from yiwang.core.workdays import seed_work_calendar
    from yiwang.registries.models import LegalEntity
    from yiwang.registries.tests import factories
    from yiwang.sharing.models import ReadLog
    from yiwang.sharing.services.grants import grant_for_credential
    from yiwang.sharing.tests.factories import approved_grant, catalogue

    seed_work_calendar([timezone.localdate().year])
    city = Division.objects.create(code="330100", name="杭州市", level=2)
    county = Division.objects.create(code="330106", name="西湖区", level=3, parent=city)
    resources = catalogue(city)
    roles = ensure_default_roles()
    consumer = Department.objects.create(code="330106-SCJGJ", name="西湖区市场监督管理局", division=county)

    def official(name: str, department: Department) -> User:
        user = User.objects.create_user(
            username=name, password="x" * 12, kind=User.Kind.OFFICIAL, department=department
        )
        RoleAssignment.objects.create(
            user=user, role=roles["approver"], department=department, division=department.division
        )
        return user

    provider = resources["entity"].provider
    rep = factories.person(county)
    with transaction.atomic():
        for n in range(args.entities):
            factories.entity(county, rep, name=f"企业{n}")
    usccs = list(LegalEntity.objects.values_list("uscc", flat=True))
    grant, credential = approved_grant(
        resources["entity"], official("consumer", consumer), official("keeper", provider),
        fields=["name", "headcount", "annual_revenue"], daily_volume=10**9, rate_per_minute=10**9,
    )  # fmt: skip
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {credential}"}
    rng = random.Random(5)
    for _ in range(50):  # warm-up
        client.get(f"/api/v1/sharing/read/{rng.choice(usccs)}", **auth)

    strong = []
    for _ in range(args.reads):
        key = rng.choice(usccs)
        started = time.perf_counter()
        response = client.get(f"/api/v1/sharing/read/{key}", **auth)
        strong.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content

    naive = []
    for _ in range(max(100, args.reads // 10)):
        key = rng.choice(usccs)
        started = time.perf_counter()
        with transaction.atomic():
            g = grant_for_credential(credential)
            assert g is not None and g.status == "approved"
            now = timezone.now()
            logs = list(ReadLog.objects.filter(grant=g))
            assert sum(1 for r in logs if (now - r.at).total_seconds() < 60) < g.rate_per_minute
            assert sum(r.rows for r in logs if r.at.date() == now.date()) < g.daily_volume
            entity = LegalEntity.objects.get(uscc=key)
            _values = {f: getattr(entity, f) for f in g.fields}
            ReadLog.objects.create(grant=g, at=now, channel="api", record_key=key, fields=g.fields)
        naive.append((time.perf_counter() - started) * 1000)

    floor = []
    for _ in range(args.reads):
        key = rng.choice(usccs)
        started = time.perf_counter()
        with transaction.atomic():
            entity = LegalEntity.objects.only("name", "headcount", "annual_revenue").get(uscc=key)
            ReadLog.objects.create(grant=grant, at=timezone.now(), channel="api", record_key=entity.uscc, fields=[])
        floor.append((time.perf_counter() - started) * 1000)

    history = ReadLog.objects.count()
    print(f"granted read of one record ({connection.vendor}, {args.reads} reads, grant history {history} rows):")
    print(f"  naive  p50 {statistics.median(naive):.2f} ms, p95 {_p95(naive):.2f} ms (rate counted in Python)")
    print(f"  strong p50 {statistics.median(strong):.2f} ms, p95 {_p95(strong):.2f} ms (HTTP, enforcement, log, audit)")
    print("  budget: strong p95 20 ms")
    print(f"  floor  p50 {statistics.median(floor):.2f} ms, p95 {_p95(floor):.2f} ms (one SELECT + one INSERT)")
    print(
        f"reads={args.reads} vendor={connection.vendor} naive_p95_ms={_p95(naive):.2f} "
        f"strong_p50_ms={statistics.median(strong):.2f} strong_p95_ms={_p95(strong):.2f} floor_p95_ms={_p95(floor):.2f}"
    )


if __name__ == "__main__":
    main()
