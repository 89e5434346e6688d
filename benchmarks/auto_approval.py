"""Benchmark: 秒批, from submission to a completed case (budget: p99 ≤ 300 ms at 50 concurrent clients on PostgreSQL).

    python benchmarks/auto_approval.py [--applications 200] [--persons 3000] [--clients 50] [--database-url URL]

Seeds the demo city on a fresh database (SQLite in a temporary directory; with ``--database-url``, a temporary
database on that PostgreSQL server, dropped afterwards), then submits ``--applications`` applications for the demo
item 居住证签发 of 上城区 through ``applications.services.submit_application``, each by a different adult of the
population: the item's rules run against the registries, the explanation is stored, and the case is accepted,
approved and completed with its audit entries and notices. The baseline in the same run is the same submissions
with the item's rules removed: the case is stored and waits for a person. ``--clients`` submits from that many
concurrent clients (forked processes, as a server's workers are, each with its own connection); the budget in
ARCHITECTURE.md, p99 ≤ 300 ms, is at 50 clients on PostgreSQL. The last line is machine-readable:
``applications=<n> clients=<n> auto_p50_ms=<ms> auto_p95_ms=<ms> auto_p99_ms=<ms> plain_p99_ms=<ms>
overhead_p99_ms=<ms> vendor=<db>``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _setup(args: argparse.Namespace) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="yiwang-bench-"))
    os.environ["YIWANG_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiwang.settings"
    temp_db = ""
    if args.database_url:
        import psycopg

        temp_db = f"yiwang_bench_auto_{os.getpid()}"
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{temp_db}"')
        parts = urlsplit(args.database_url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{temp_db}"))
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    call_command("calendar", "seed", verbosity=0)
    return temp_db


def _drop(database_url: str, temp_db: str) -> None:
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{temp_db}"')


def _applicants(count: int, offset: int) -> list:
    from datetime import date

    from yiwang.accounts.models import User
    from yiwang.core.keys import index_of
    from yiwang.registries.models import Person

    today = date.today()
    users = []
    taken = set(User.objects.exclude(id_number_index=None).values_list("id_number_index", flat=True))
    adults = (
        p
        for p in Person.objects.order_by("pk")[offset:]
        if 20 <= (today - p.birth_date).days // 365 <= 70 and not p.is_deceased and index_of(p.id_number) not in taken
    )
    for person in adults:
        user = User(username=f"bench-{person.pk}", kind=User.Kind.PERSON, full_name=person.name)
        user.id_number = person.id_number
        user.set_unusable_password()
        users.append(user)
        if len(users) == count:
            break
    User.objects.bulk_create(users)
    return list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))


_FORM = {"residence_address": "杭州市上城区解放路 100 号", "residence_since": "2025-06-01", "basis": "合法稳定住所"}


def _client(job: tuple[int, list[tuple[int, int]], str]) -> list[float]:
    """One client: submit its share one after another on its own connection; the latency of each, in ms."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from yiwang.accounts.models import User
    from yiwang.applications.services import submit_application
    from yiwang.catalog.models import ServiceItem

    item_pk, share, tag = job
    item = ServiceItem.objects.get(pk=item_pk)
    required = [m.pk for m in item.materials.all() if m.requirement == "required"]  # uploaded, e-certificate or not
    users = User.objects.in_bulk([user_pk for _n, user_pk in share])
    timings = []
    try:
        for n, user_pk in share:
            uploads = {pk: SimpleUploadedFile("m.pdf", b"%PDF-1.4 bench", "application/pdf") for pk in required}
            started = time.perf_counter()
            submit_application(
                item, user=users[user_pk], form_data=_FORM, idempotency_key=f"bench-{tag}-{n:06d}", uploads=uploads
            )
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return timings


def _submit_all(item, users, tag: str, clients: int) -> list[float]:
    """Submit one application per user from ``clients`` concurrent clients: processes, as a server's workers are,
    each with its own database connection, each submitting its share one after another. Latencies in ms."""
    import multiprocessing

    from django.db import connections

    numbered = [(n, user.pk) for n, user in enumerate(users)]
    if clients == 1:  # in this process (profilers see it)
        return _client((item.pk, numbered, tag))
    connections.close_all()  # the forked clients open their own
    jobs = [(item.pk, numbered[k::clients], tag) for k in range(clients)]
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        return [t for timings in pool.map(_client, jobs) for t in timings]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients (PostgreSQL; the budget is at 50)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    temp_db = _setup(args)
    try:
        from django.db import connection

        from yiwang.applications.models import Application
        from yiwang.catalog.models import ServiceItem
        from yiwang.demo.seeding import seed_demo_city

        seed_demo_city(persons=args.persons, enterprises=max(50, args.persons // 20))
        item = ServiceItem.objects.get(name="居住证签发", division_id="330102", status="published")
        rules = item.approval_rules
        auto_users = _applicants(args.applications, 0)
        plain_users = _applicants(args.applications, len(auto_users) * 3)
        auto = _submit_all(item, auto_users, "auto", args.clients)
        decided = Application.objects.filter(item=item, state="completed", auto_decision__isnull=False).count()
        ServiceItem.objects.filter(pk=item.pk).update(approval_rules="")
        item.refresh_from_db()
        plain = _submit_all(item, plain_users, "plain", args.clients)
        ServiceItem.objects.filter(pk=item.pk).update(approval_rules=rules)
        waiting = Application.objects.filter(item=item, state="submitted").count()
        print(f"auto-approved (completed on submission): {decided} of {len(auto)}; plain (waiting): {waiting}")
        auto_p50, auto_p95, auto_p99 = statistics.median(auto), _p(auto, 0.95), _p(auto, 0.99)
        plain_p95, plain_p99 = _p(plain, 0.95), _p(plain, 0.99)
        print(f"clients: {args.clients}")
        print(f"秒批 submit→completed: p50 {auto_p50:.1f}, p95 {auto_p95:.1f}, p99 {auto_p99:.1f} ms (budget p99 300)")
        print(f"baseline submit only:  p50 {statistics.median(plain):.1f}, p95 {plain_p95:.1f}, p99 {plain_p99:.1f} ms")
        print(
            f"applications={len(auto)} clients={args.clients} auto_p50_ms={auto_p50:.1f} auto_p95_ms={auto_p95:.1f} "
            f"auto_p99_ms={auto_p99:.1f} plain_p99_ms={plain_p99:.1f} overhead_p99_ms={auto_p99 - plain_p99:.1f} "
            f"vendor={connection.vendor}"
        )
    finally:
        if temp_db:
            _drop(args.database_url, temp_db)


if __name__ == "__main__":
    main()
