"""Benchmark: watermarked export of 1,000,000 rows (budget ≤ 30 s) and tracing a leaked file of 1,000 rows (≤ 1 s).

    python benchmarks/watermark.py [--rows 1000000] [--naive-rows 100000] [--candidates 300]

In one run, on SQLite in a temporary directory:
- export, strong: ``sharing.services.watermark.write_export`` (one HMAC-SM3 per row through hashlib's OpenSSL SM3,
  the row's bit rendered into each cell, csv.writer into memory);
- export, naive: the same marks computed with a fresh ``core.crypto.hmac_sm3`` object per cell and the file
  written row by row with string concatenation, on ``--naive-rows`` rows, extrapolated;
- export, floor: the same rows written as CSV with no watermark at all;
- trace, strong: ``trace_rows`` on 1,000 shuffled rows (each row votes for one bit of the export number);
- trace, naive: score the leaked rows against every export in the ledger (``--candidates`` exports).
The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def _rows(n: int):
    for i in range(n):
        yield [f"91330106MA{i:08d}", f"杭州测试{i % 5000}有限公司", f"{100 + i % 9000}.50", str(i % 90), "2019-03-01"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=300)
    args = parser.parse_args()
    os.environ["YIWANG_DATA_DIR"] = tempfile.mkdtemp(prefix="yiwang-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    from yiwang.core.crypto import hmac_sm3
    from yiwang.sharing.models import Export
    from yiwang.sharing.services import watermark

    header = ["uscc", "name", "capital", "headcount", "founded"]
    for n in range(args.candidates - 1):
        Export.objects.create(recipient=f"部门{n}", format="csv")

    started = time.perf_counter()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(_rows(args.rows))
    floor_bytes = text.getvalue().encode()
    floor_s = time.perf_counter() - started
    del floor_bytes, text

    export = watermark.start_export(recipient="西湖区市场监督管理局", fmt="csv")
    started = time.perf_counter()
    content = watermark.write_export(export, header, _rows(args.rows))
    strong_s = time.perf_counter() - started

    key = watermark.watermark_key()
    started = time.perf_counter()
    out = ",".join(header) + "\n"
    for row in _rows(args.naive_rows):
        cells = [row[0]]
        for value in row[1:]:
            digest = hmac_sm3(key, row[0].encode())
            bit = ((export.pk >> (digest[0] % watermark.ID_BITS)) & 1) ^ (digest[1] & 1)
            cells.append(watermark._render(value, bit))
        out += ",".join(cells) + "\n"
    naive_s = (time.perf_counter() - started) * args.rows / args.naive_rows

    lines = content.decode().splitlines()[1:]
    leaked = [r for r in csv.reader(random.Random(3).sample(lines, 1000))]
    del content, lines
    started = time.perf_counter()
    result = watermark.trace_rows(leaked)
    trace_s = time.perf_counter() - started
    assert result.found and result.export == export, result

    started = time.perf_counter()
    best = (0.0, None)
    for candidate in Export.objects.all():
        agree = 0
        for row in leaked:
            digest = hmac_sm3(key, row[0].encode())
            expected = ((candidate.pk >> (digest[0] % watermark.ID_BITS)) & 1) ^ (digest[1] & 1)
            agree += watermark._read_bit(row[1:]) == expected
        best = max(best, (agree / len(leaked), candidate.pk), key=lambda b: b[0])
    naive_trace_s = time.perf_counter() - started
    assert best[1] == export.pk

    print(
        f"export {args.rows:,} rows: naive {naive_s:.1f} s (extrapolated), strong {strong_s:.1f} s, "
        f"floor (no watermark) {floor_s:.1f} s; budget 30 s"
    )
    print(
        f"trace 1,000 rows: naive {naive_trace_s * 1000:.0f} ms over {args.candidates} exports, "
        f"strong {trace_s * 1000:.1f} ms; budget 1000 ms; agreement {result.agreement:.3f}"
    )
    print(
        f"rows={args.rows} export_naive_s={naive_s:.2f} export_s={strong_s:.2f} export_floor_s={floor_s:.2f} "
        f"trace_naive_ms={naive_trace_s * 1000:.1f} trace_ms={trace_s * 1000:.1f} candidates={args.candidates}"
    )


if __name__ == "__main__":
    main()
