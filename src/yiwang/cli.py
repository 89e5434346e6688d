"""The ``yiwang`` command.

``yiwang demo``          migrate, seed the working-day calendar and the demo city, then serve on 127.0.0.1:8000
``yiwang serve``         serve with gunicorn (``--bind``, ``--workers``)
``yiwang seed``          generate the demo city (``--persons``, ``--enterprises``, ``--seed``, ``--city``)
``yiwang audit verify``  verify the audit ledger's hash chain end to end
``yiwang <command>``     any Django management command (``migrate``, ``createsuperuser``, ``check --deploy``, …)
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()


def _serve(bind: str, workers: int) -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "yiwang.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "60",
    ]
    run()


def demo(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="yiwang demo", description="Start the demo city on SQLite.")
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--enterprises", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--bind", default="127.0.0.1:8000")
    parser.add_argument("--no-serve", action="store_true", help="prepare the data only")
    args = parser.parse_args(argv)
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    this_year = date.today().year
    call_command("calendar", "seed", "--years", str(this_year - 1), str(this_year), str(this_year + 1))
    call_command("seed", persons=args.persons, enterprises=args.enterprises, seed=args.seed)
    if not args.no_serve:
        print(f"\n一网 Yiwang demo: http://{args.bind}/  (Ctrl-C to stop)\n", flush=True)
        _serve(args.bind, workers=2)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "demo":
        demo(rest)
        return
    if command == "serve":
        parser = argparse.ArgumentParser(prog="yiwang serve")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        args = parser.parse_args(rest)
        _serve(args.bind, args.workers)
        return
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yiwang", command, *rest])


if __name__ == "__main__":
    main()
