"""Benchmark: bulk import of the population registry (issue: data backbone, "1,000,000 persons in minutes").

    python benchmarks/registry_import.py [--persons 1000000] [--baseline 2000] [--database-url URL]

Generates a CSV of ``--persons`` valid persons with the demo-city generator, then, on a fresh database
(SQLite in a temporary directory unless ``--database-url`` is given), measures:
- ours: ``registries.importing.import_persons`` — two-pass validation, SM4 encryption of ID and phone numbers,
  HMAC-SM3 blind index, batched inserts, one transaction;
- baseline, in the same run: the naive way, ``Person.objects.create()`` row by row with ``full_clean()``, on
  ``--baseline`` rows, extrapolated to the full size;
- the re-import of the same file (idempotence: all rows unchanged).
- the floor, in the same run: the stored rows (already encrypted and indexed) written again into a copy of the table
  with its indexes, in one transaction — PostgreSQL ``COPY FROM STDIN``, SQLite ``executemany``.
On PostgreSQL the import writes new rows with ``COPY`` too (psycopg), on SQLite with multi-row inserts.
The last line is machine-readable: ``persons=<n> import_s=<s> rows_per_s=<r> naive_s=<s> ratio=<naive/ours>
copy_s=<s> vs_copy=<ours/floor> reimport_s=<s> peak_mb=<MB> vendor=<db>``.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="yiwang-bench-"))
    os.environ["YIWANG_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    temp_db = ""
    if args.database_url:  # a temporary database on that server, named after the URL's, dropped afterwards
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(args.database_url)
        temp_db = f"{parts.path.lstrip('/') or 'postgres'}_bench_import_{os.getpid()}"
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{temp_db}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{temp_db}"))
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    try:
        _run(args, workdir)
    finally:
        if temp_db:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{temp_db}"')


def _run(args: argparse.Namespace, workdir: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log
    from yiwang.accounts.divisions import load_divisions
    from yiwang.accounts.models import User
    from yiwang.demo.generator import CityGenerator
    from yiwang.registries.importing import PERSON_COLUMNS, import_persons
    from yiwang.registries.models import Person

    call_command("migrate", verbosity=0, interactive=False)
    load_divisions(province_prefixes=["33"])
    admin = User.objects.create_user(username="bench-admin", password="x" * 16, kind=User.Kind.ADMIN)

    csv_path = workdir / "persons.csv"
    started = time.perf_counter()
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PERSON_COLUMNS)
        for chunk in CityGenerator(seed=7).iter_persons(args.persons + args.baseline, chunk_size=20000):
            for p in chunk:
                writer.writerow(
                    [
                        p.id_number,
                        p.name,
                        p.gender,
                        p.birth_date.isoformat(),
                        p.ethnicity,
                        p.division_code,
                        p.address,
                        p.phone,
                    ]
                )
    print(f"generated {args.persons + args.baseline:,} rows in {time.perf_counter() - started:.1f} s", flush=True)

    # Baseline first, on the last rows of the file, into the same table.
    with csv_path.open(encoding="utf-8", newline="") as handle:
        baseline_rows = [r for i, r in enumerate(csv.DictReader(handle)) if i >= args.persons]
    started = time.perf_counter()
    for r in baseline_rows:
        person = Person(
            id_number=r["id_number"],
            name=r["name"],
            gender=r["gender"],
            birth_date=r["birth_date"],
            ethnicity=r["ethnicity"],
            division_id=r["division"],
            address=r["address"],
            phone=r["phone"],
        )
        person.full_clean()
        person.save()
    naive_per_row = (time.perf_counter() - started) / max(len(baseline_rows), 1)
    naive_s = naive_per_row * args.persons
    Person.objects.all().delete()

    import_path = workdir / "import.csv"
    with csv_path.open(encoding="utf-8") as src, import_path.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i > args.persons:
                break
            dst.write(line)
    started = time.perf_counter()
    report = import_persons(import_path, actor=admin, reason="benchmark")
    import_s = time.perf_counter() - started
    assert report.created == args.persons, report.as_dict()
    started = time.perf_counter()
    again = import_persons(import_path, actor=admin, reason="benchmark re-import")
    reimport_s = time.perf_counter() - started
    assert again.unchanged == args.persons and again.created == 0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    copy_s = _copy_floor()
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}")
    print(f"ours:      {import_s:8.1f} s for {args.persons:,} persons ({args.persons / import_s:,.0f} rows/s)")
    print(f"naive:     {naive_s:8.1f} s (create() per row, measured on {len(baseline_rows):,} rows, extrapolated)")
    print(
        f"floor:     {copy_s:8.1f} s (the stored rows written again, already encrypted, into a copy of the table with"
    )
    print("                      its indexes, in one transaction: PostgreSQL COPY, SQLite executemany)")
    print(f"re-import: {reimport_s:8.1f} s (all {again.unchanged:,} rows unchanged)")
    print(f"peak RSS:  {peak_mb:8.0f} MB (whole process)")
    print(
        f"persons={args.persons} import_s={import_s:.2f} rows_per_s={args.persons / import_s:.0f} "
        f"naive_s={naive_s:.1f} ratio={naive_s / import_s:.1f} copy_s={copy_s:.2f} vs_copy={import_s / copy_s:.1f} "
        f"reimport_s={reimport_s:.2f} peak_mb={peak_mb:.0f} vendor={database}"
    )


def _copy_floor() -> float:
    """Seconds to write the stored person rows again, as they are (encrypted, indexed), into a copy of the table with
    the same indexes, in one transaction: PostgreSQL ``COPY FROM STDIN``, SQLite ``executemany``. The floor of an
    import that must also parse, validate, encrypt and index every row."""
    import io

    from django.db import connection, transaction

    from yiwang.registries.models import Person

    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE bench_copy (LIKE {table} INCLUDING ALL)")
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as out:
                for data in out:
                    buffer.write(data)
            started = time.perf_counter()
            with transaction.atomic(), cursor.cursor.copy("COPY bench_copy FROM STDIN") as into:
                into.write(buffer.getvalue())
            elapsed = time.perf_counter() - started
        else:
            cursor.execute(f"CREATE TABLE bench_copy AS SELECT * FROM {table} WHERE 0")  # noqa: S608
            cursor.execute("CREATE UNIQUE INDEX bench_copy_index ON bench_copy (id_number_index)")
            rows = cursor.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            marks = ", ".join("?" * len(rows[0])) if rows else "?"
            started = time.perf_counter()
            with transaction.atomic():
                cursor.cursor.executemany(f"INSERT INTO bench_copy VALUES ({marks})", rows)  # noqa: S608
            elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


if __name__ == "__main__":
    main()
