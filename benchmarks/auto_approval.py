"""Benchmark: 秒批 under load, beside the bare-Django floor measured in the same run.

    python benchmarks/auto_approval.py [--applications 300] [--persons 3000] [--clients 50] [--database-url URL]

Seeds the demo city on a fresh database (SQLite in a temporary directory; with ``--database-url``, a temporary
database on that PostgreSQL server, named after the URL's database and dropped afterwards), then submits
applications for the demo item 居住证签发 of 上城区 through ``applications.services.submit_application``, each by a
different adult of the population: the item's rules run against the registries, the explanation is stored, and
the case is accepted, approved and completed (its result certificate issued and signed) with its audit entries and
notices.

In the same run, from the same number of concurrent clients (forked processes, as a server's workers are, each
with its own connection):

- **floor**: bare Django, one row and one SM3 hash-chained audit row per transaction (the chain's head read under
  a PostgreSQL advisory lock, as a single-chain ledger must), nothing else;
- **plain**: the same submissions with the item's rules removed (stored, waiting for a person);
- **single**: one client alone, for the single-client latency (budget p50 ≤ 15 ms on PostgreSQL).

It also counts the queries of one 秒批 submission. Budgets (ARCHITECTURE.md): at 50 clients on PostgreSQL,
``auto_tps`` ≥ 50% of ``floor_tps`` and p99 ≤ 3 × p50. The last line is machine-readable:
``auto_tps=<n> floor_tps=<n> ratio=<auto/floor> p50_ms=<ms> p99_ms=<ms> single_p50_ms=<ms> ...``.
"""

from __future__ import annotations

import argparse
import logging
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

        base = urlsplit(args.database_url).path.lstrip("/") or "postgres"
        temp_db = f"{base}_bench_auto_{os.getpid()}"
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
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
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


def _client(job: tuple[int, list[tuple[int, int]], str]) -> tuple[list[float], float, float]:
    """One client: submit its share one after another on its own connection; (latencies in ms, start, end)."""
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

    def submit(n: int, user_pk: int, key: str) -> None:
        uploads = {pk: SimpleUploadedFile("m.pdf", b"%PDF-1.4 bench", "application/pdf") for pk in required}
        submit_application(item, user=users[user_pk], form_data=_FORM, idempotency_key=key, uploads=uploads)

    try:
        if share:  # a server's worker is warm (its connection open, its caches filled) before the timed run
            submit(*share[0], f"bench-{tag}-warm-{share[0][0]:06d}")
        _start_together()
        began = time.time()
        for n, user_pk in share:
            started = time.perf_counter()
            submit(n, user_pk, f"bench-{tag}-{n:06d}")
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return timings, began, time.time()


_FLOOR_TABLES = (
    "CREATE TABLE bench_floor_row (id {serial} PRIMARY KEY, key varchar(64) NOT NULL UNIQUE, body text NOT NULL)",
    "CREATE TABLE bench_floor_audit (seq bigint PRIMARY KEY, body text NOT NULL, prev_hash varchar(64) NOT NULL,"
    " entry_hash varchar(64) NOT NULL, created_at varchar(32) NOT NULL)",
)


def _floor_client(job: tuple[int, list[tuple[int, int]], str]) -> tuple[list[float], float, float]:
    """The floor: bare Django (its connection and transactions, raw SQL), one row and one hash-chained audit row per
    transaction; the chain's head is read under an advisory lock on PostgreSQL (SQLite: BEGIN IMMEDIATE)."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from yiwang.core.crypto import sm3_hex

    _item, share, tag = job
    timings = []
    try:
        for warm, (n, user_pk) in enumerate([(-1 - share[0][0], share[0][1]), *share] if share else []):
            if warm == 1:
                _start_together()
                began = time.time()
            started = time.perf_counter()
            body = json.dumps({"user": user_pk, "form": _FORM}, ensure_ascii=False)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_floor_row (key, body) VALUES (%s, %s)", [f"{tag}-{n}", body])
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x42454E4348])
                cursor.execute("SELECT seq, entry_hash FROM bench_floor_audit ORDER BY seq DESC LIMIT 1")
                last = cursor.fetchone()
                seq, prev = (last[0] + 1, last[1]) if last else (1, "0" * 64)
                at = timezone.now().isoformat()
                digest = sm3_hex(json.dumps([seq, at, body, prev], ensure_ascii=False).encode())
                cursor.execute(
                    "INSERT INTO bench_floor_audit (seq, body, prev_hash, entry_hash, created_at) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [seq, body, prev, digest, at],
                )
            if warm:
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return timings, began, time.time()


_barrier = None  # set before the clients fork: they start their timed runs together, once all are warm


def _start_together() -> None:
    if _barrier is not None:
        _barrier.wait()


#: client CPU (user + system) per submission of the last _run, in ms: what the clients themselves spend
_cpu_ms: dict[str, float] = {}


def _run(worker, item_pk: int, users: list, tag: str, clients: int) -> tuple[list[float], float]:
    """Run ``worker`` over one submission per user from ``clients`` concurrent clients: processes, as a server's
    workers are, each with its own database connection, each submitting its share one after another.
    (latencies in ms, throughput per second from the first client's start to the last one's end)."""
    import multiprocessing

    from django.db import connections

    numbered = [(n, user.pk if hasattr(user, "pk") else user) for n, user in enumerate(users)]
    import resource

    if clients == 1:  # in this process (profilers see it)
        before = resource.getrusage(resource.RUSAGE_SELF)
        timings, began, ended = worker((item_pk, numbered, tag))
        after = resource.getrusage(resource.RUSAGE_SELF)
        spent = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        _cpu_ms[tag] = 1000 * spent / max(len(timings), 1)
        return timings, len(timings) / (ended - began)
    global _barrier
    connections.close_all()  # the forked clients open their own
    jobs = [(item_pk, numbered[k::clients], tag) for k in range(clients)]
    context = multiprocessing.get_context("fork")
    _barrier = context.Barrier(clients)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        with context.Pool(clients) as pool:
            results = pool.map(worker, jobs, chunksize=1)
    finally:
        _barrier = None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the clients' warm-up included
    spent = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    _cpu_ms[tag] = 1000 * spent / (len(numbered) + clients)
    timings = [t for part, _b, _e in results for t in part]
    began, ended = min(b for _t, b, _e in results), max(e for _t, _b, e in results)
    return timings, len(timings) / (ended - began)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _queries_of_one(item, user) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiwang.applications.services import submit_application

    required = [m.pk for m in item.materials.all() if m.requirement == "required"]
    uploads = {pk: SimpleUploadedFile("m.pdf", b"%PDF-1.4 bench", "application/pdf") for pk in required}
    connection.queries_log.clear()  # the seeding filled the log to its limit
    with CaptureQueriesContext(connection) as captured:
        submit_application(item, user=user, form_data=_FORM, idempotency_key="bench-count-000001", uploads=uploads)
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--single", type=int, default=60, help="submissions of the one-client run")
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (the budget is at 50)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    temp_db = _setup(args)
    try:
        from django.db import connection

        from yiwang.applications.models import Application
        from yiwang.catalog.models import ServiceItem
        from yiwang.core.audit import verify_chain
        from yiwang.demo.seeding import seed_demo_city

        seed_demo_city(persons=args.persons, enterprises=max(50, args.persons // 20))
        with connection.cursor() as cursor:
            serial = "bigserial" if connection.vendor == "postgresql" else "integer"
            for statement in _FLOOR_TABLES:
                cursor.execute(statement.format(serial=serial))
        item = ServiceItem.objects.get(name="居住证签发", division_id="330102", status="published")
        rules = item.approval_rules
        counted, *single_users = _applicants(1 + args.single, 0)
        auto_users = _applicants(args.applications, 0)
        plain_users = _applicants(args.applications, 0)
        queries = _queries_of_one(item, counted)
        single, _single_tps = _run(_client, item.pk, single_users, "single", 1)
        floor, floor_tps = _run(_floor_client, item.pk, auto_users, "floor", args.clients)
        auto, auto_tps = _run(_client, item.pk, auto_users, "auto", args.clients)
        decided = Application.objects.filter(item=item, state="completed", auto_decision__isnull=False).count()
        ServiceItem.objects.filter(pk=item.pk).update(approval_rules="")
        plain, plain_tps = _run(_client, item.pk, plain_users, "plain", args.clients)
        ServiceItem.objects.filter(pk=item.pk).update(approval_rules=rules)
        waiting = Application.objects.filter(item=item, state="submitted").count()
        chain = verify_chain()
        expected = 1 + 1 + len(single) + min(args.clients, len(auto)) + len(auto)  # with each client's warm-up
        print(f"auto-approved (completed on submission): {decided} of {expected}; plain (waiting): {waiting}")
        print(f"audit chain after the run: {chain.message}")
        print(f"queries of one 秒批 submission: {queries}")
        print(f"clients: {args.clients}, vendor: {connection.vendor}")
        rows = [
            ("floor (row + chained audit row)", floor, floor_tps),
            ("秒批 submit→completed", auto, auto_tps),
            ("plain submit (no rules)", plain, plain_tps),
            ("秒批, one client", single, _single_tps),
        ]
        print(
            "client CPU per submission (user + system, the clients' processes): "
            + ", ".join(f"{tag} {ms:.1f} ms" for tag, ms in _cpu_ms.items())
        )
        for label, timings, tps in rows:
            print(
                f"{label:34s} {tps:8.1f}/s  p50 {statistics.median(timings):7.1f}  p95 {_p(timings, 0.95):7.1f}"
                f"  p99 {_p(timings, 0.99):7.1f} ms"
            )
        p50, p99 = statistics.median(auto), _p(auto, 0.99)
        print(
            f"auto_tps={auto_tps:.1f} floor_tps={floor_tps:.1f} ratio={auto_tps / floor_tps:.3f} p50_ms={p50:.1f} "
            f"p99_ms={p99:.1f} single_p50_ms={statistics.median(single):.1f} queries={queries} "
            f"plain_tps={plain_tps:.1f} auto_cpu_ms={_cpu_ms['auto']:.1f} floor_cpu_ms={_cpu_ms['floor']:.1f} "
            f"decided={decided} chain_ok={int(chain.ok)} clients={args.clients} "
            f"vendor={connection.vendor}"
        )
    finally:
        if temp_db:
            _drop(args.database_url, temp_db)


if __name__ == "__main__":
    main()
