"""Export fingerprints (数据水印) that survive reordering and deleting rows, and the tracing of a leaked file.

Each row carries one bit of the export's number. Which bit, and a mask, come from HMAC-SM3 of the row key under
the platform's watermark key, so each row is marked independently of the others: a leaked file with rows
reordered or deleted still lets every surviving row vote for its bit. The bit is written as a choice between two
renderings of the same value: the parity of a decimal's trailing places (``800.00`` / ``800.000``), or a
trailing space on other text. The first column is the row key and is never altered.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from yiwang.core import audit
from yiwang.core.crypto import hmac_sm3
from yiwang.core.errors import ValidationFailed
from yiwang.sharing.models import Export, Grant, OpenDataset

ID_BITS = 32
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
#: Agreement above which a traced export is named; an unmarked file agrees about half the time.
MIN_AGREEMENT = 0.9


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hmac_sm3(secret.encode(), b"yiwang.sharing.watermark.v1")


def watermark_key() -> bytes:
    return _key(settings.SECRET_KEY)


def _row_slot(key: bytes, row_key: str) -> tuple[int, int]:
    # HMAC-SM3 (hashlib's OpenSSL SM3 under hmac, the same function as core.crypto.hmac_sm3, without its object
    # set-up per call): which bit of the number this row carries, and the mask that hides it.
    digest = hmac.new(key, row_key.encode(), "sm3").digest()
    return digest[0] % ID_BITS, digest[1] & 1


def _render(value: str, bit: int) -> str:
    if _DECIMAL.match(value):
        places = len(value) - value.index(".") - 1
        return value if places % 2 == bit else value + "0"
    return value + " " if bit else value


def _decimal_bit(value: str) -> int:
    return (len(value) - value.index(".") - 1) % 2


def _read_bit(cells: Sequence[str]) -> int | None:
    """The row's bit: decimals vote first (they survive trimming); else trailing spaces, by majority."""
    decimals = [_decimal_bit(c.strip()) for c in cells if _DECIMAL.match(c.strip())]
    votes = decimals or [1 if c.endswith(" ") else 0 for c in cells if c.strip()]
    if not votes:
        return None
    ones = sum(votes)
    if ones * 2 == len(votes):
        return None
    return 1 if ones * 2 > len(votes) else 0


def mark_rows(number: int, rows: Iterable[Sequence[Any]]) -> Iterator[list[str]]:
    """The rows as text, each value rendered to carry its row's bit of ``number``; the first cell is the key."""
    key = watermark_key()
    for row in rows:
        row_key = str(row[0])
        index, mask = _row_slot(key, row_key)
        bit = ((number >> index) & 1) ^ mask
        yield [row_key, *(_render(str(v).strip(), bit) if v not in (None, "") else "" for v in row[1:])]


@dataclass(frozen=True)
class TraceResult:
    number: int | None
    export: Export | None
    rows: int
    voting_rows: int
    agreement: float
    bits_seen: int
    #: the exports consistent with every bit seen, when a small file does not carry all of them
    candidates: tuple[Export, ...] = ()

    @property
    def found(self) -> bool:
        return self.export is not None and self.agreement >= MIN_AGREEMENT


#: How many consistent exports a trace lists when the bits seen do not single one out.
MAX_CANDIDATES = 20


def _consistent_exports(number: int, seen_mask: int, keys: set[str], fmt: str | None) -> list[Export]:
    """The exports whose number agrees with every bit seen; narrowed to those of the file's format and, among
    open-data downloads, of a dataset holding the file's row keys (a small table carries fewer than 32 bits)."""
    qs = Export.objects.select_related("grant__consumer", "dataset").annotate(bits=F("pk").bitand(seen_mask))
    matches: list[Export] = list(qs.filter(bits=number & seen_mask).order_by("pk")[: MAX_CANDIDATES * 5])
    if fmt and len(matches) > 1:
        formats = {fmt, Export.Format.API} if fmt == Export.Format.JSON else {fmt}
        matches = [e for e in matches if e.format in formats] or matches
    if len(matches) > 1:
        by_dataset = [
            e for e in matches if e.dataset is not None and keys <= {str(r[0]).strip() for r in e.dataset.rows}
        ]
        matches = by_dataset or matches
    return matches[:MAX_CANDIDATES]


def trace_rows(rows: Iterable[Sequence[str]], *, fmt: str | None = None) -> TraceResult:
    """Recover the export number from the rows of a leaked file (header removed), and check it."""
    key = watermark_key()
    votes = [[0, 0] for _ in range(ID_BITS)]
    observed: list[tuple[int, int, int]] = []
    keys: set[str] = set()
    count = 0
    for row in rows:
        count += 1
        if not row or not str(row[0]).strip():
            continue
        row_key = str(row[0]).strip()
        index, mask = _row_slot(key, row_key)
        bit = _read_bit([str(c) for c in row[1:]])
        if bit is None:
            continue
        keys.add(row_key)
        votes[index][bit ^ mask] += 1
        observed.append((index, mask, bit))
    seen_mask = sum(1 << i for i, (zero, one) in enumerate(votes) if zero or one)
    seen = bin(seen_mask).count("1")
    number = sum(1 << i for i, (zero, one) in enumerate(votes) if one > zero)
    agree = sum(1 for index, mask, bit in observed if ((number >> index) & 1) ^ mask == bit)
    agreement = agree / len(observed) if observed else 0.0
    candidates: tuple[Export, ...] = ()
    if not observed:
        export = None
    elif seen == ID_BITS:
        export = Export.objects.select_related("grant__consumer", "dataset").filter(pk=number).first()
    else:
        candidates = tuple(_consistent_exports(number, seen_mask, keys, fmt))
        export = candidates[0] if len(candidates) == 1 else None
        number = export.pk if export else number
    return TraceResult(number or None, export, count, len(observed), agreement, seen, candidates)


def read_table(path: Path) -> list[list[str]]:
    """The rows (header removed) of a CSV, Excel, JSON or Parquet file, every cell as the text it holds."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).active
        rows = [["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)]
        return rows[1:]
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        return [["" if v is None else str(v) for v in row] for row in zip(*columns, strict=True)]
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".json":
        doc = json.loads(text)
        records = doc.get("rows", []) if isinstance(doc, dict) else doc
        return [[str(v) for v in (r.values() if isinstance(r, dict) else r)] for r in records]
    return list(csv.reader(io.StringIO(text)))[1:]


_SUFFIX_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".parquet": "parquet"}


def trace_file(path: Path) -> TraceResult:
    return trace_rows(read_table(path), fmt=_SUFFIX_FORMATS.get(path.suffix.lower()))


@transaction.atomic
def start_export(
    *, recipient: str, fmt: str, grant: Grant | None = None, dataset: OpenDataset | None = None, actor: Any = None
) -> Export:
    """Number a new export (its number is the fingerprint); the caller fills ``row_count`` when written."""
    if not recipient.strip():
        raise ValidationFailed(_("导出须注明接收方"), field="recipient")
    user = actor if getattr(actor, "is_authenticated", False) else None
    export = Export.objects.create(
        recipient=recipient.strip()[:200], format=fmt, grant=grant, dataset=dataset, created_by=user
    )
    if export.pk >= 1 << ID_BITS:
        raise ValidationFailed(_("导出编号超出水印容量"), field="export")
    return export


def write_export(
    export: Export, header: Sequence[str], rows: Iterable[Sequence[Any]], *, actor: Any = None, bom: bool = False
) -> bytes:
    """The watermarked file in the export's format; records the row count and the audit entry. ``bom`` starts a CSV
    with the byte-order mark spreadsheet programs need to read UTF-8."""
    marked = mark_rows(export.pk, rows)
    if export.format == Export.Format.XLSX:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(list(header))
        count = 0
        for count, row in enumerate(marked, start=1):  # noqa: B007 - the count is read after the loop
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    elif export.format in (Export.Format.JSON, Export.Format.API):
        data = [dict(zip(header, row, strict=True)) for row in marked]
        count = len(data)
        content = json.dumps(data, ensure_ascii=False).encode()
    elif export.format == Export.Format.PARQUET:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: list[list[str]] = [[] for _ in header]
        count = 0
        for count, row in enumerate(marked, start=1):  # noqa: B007 - the count is read after the loop
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        sink = io.BytesIO()
        pq.write_table(pa.table({str(h): pa.array(c, pa.string()) for h, c in zip(header, columns, strict=True)}), sink)
        content = sink.getvalue()
    else:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        count = 0
        for row in marked:
            writer.writerow(row)
            count += 1
        content = (("\ufeff" if bom else "") + text.getvalue()).encode("utf-8")
    Export.objects.filter(pk=export.pk).update(row_count=count)
    export.row_count = count
    audit.record(
        "sharing.export.write",
        actor=actor,
        obj=export,
        data={
            "recipient": export.recipient,
            "format": export.format,
            "rows": count,
            "grant": export.grant_id,
            "dataset": export.dataset_id,
        },
    )
    return content
