"""A leaked export names its recipient, even with rows reordered and most of them deleted."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yiwang.core.crypto import hmac_sm3
from yiwang.sharing.models import Export
from yiwang.sharing.services import watermark


def _rows(n: int) -> list[list[str]]:
    return [
        [f"91330106MA{i:08d}", f"杭州测试{i}有限公司", f"{100 + i}.50", str(i % 90), "2019-03-01"] for i in range(n)
    ]


HEADER = ["uscc", "name", "capital", "headcount", "founded"]


def _export(recipient: str, fmt: str = "csv", n: int = 400) -> tuple[Export, bytes]:
    export = watermark.start_export(recipient=recipient, fmt=fmt)
    return export, watermark.write_export(export, HEADER, _rows(n))


def _leak(content: bytes, tmp_path: Path, keep: int, seed: int) -> Path:
    reader = list(csv.reader(io.StringIO(content.decode())))
    body = reader[1:]
    random.Random(seed).shuffle(body)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([reader[0], *body[:keep]])
    path = tmp_path / "leak.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_the_mark_is_hmac_sm3_of_the_row_key():
    key = watermark.watermark_key()
    import hmac

    assert hmac.new(key, b"row", "sm3").digest() == hmac_sm3(key, b"row")


@pytest.mark.django_db
def test_reordered_and_truncated_csv_names_its_recipient(tmp_path, capsys):
    _export("上城区市场监督管理局")
    export, content = _export("西湖区市场监督管理局")
    _export("拱墅区市场监督管理局")
    path = _leak(content, tmp_path, keep=150, seed=7)
    call_command("watermark", "trace", str(path))
    out = capsys.readouterr().out
    assert f"#{export.pk}" in out and "西湖区市场监督管理局" in out


@pytest.mark.django_db
def test_the_values_are_unchanged_only_rendered_differently():
    _, content = _export("西湖区市场监督管理局", n=50)
    rows = list(csv.reader(io.StringIO(content.decode())))[1:]
    for original, marked in zip(_rows(50), rows, strict=True):
        assert marked[0] == original[0]
        assert float(marked[2]) == float(original[2])
        assert [c.strip() for c in marked[1:2] + marked[3:]] == original[1:2] + original[3:]


@pytest.mark.django_db
def test_excel_export_traces_too(tmp_path):
    export, content = _export("临平区数据资源管理局", fmt="xlsx", n=200)
    path = tmp_path / "leak.xlsx"
    path.write_bytes(content)
    result = watermark.trace_file(path)
    assert result.found and result.export == export


@pytest.mark.django_db
def test_an_unmarked_file_names_nobody(tmp_path):
    _export("西湖区市场监督管理局")
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *_rows(300)])
    path = tmp_path / "clean.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("watermark", "trace", str(path))
