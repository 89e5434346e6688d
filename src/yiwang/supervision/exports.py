"""Exports of the one table (一张表): Excel (openpyxl) and PDF (WeasyPrint, fonts embedded, nothing fetched)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext

from yiwang.certificates.pdf import offline_url_fetcher


def table_xlsx(items: list[Any], table: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext("事项")
    sheet.append(
        [
            gettext("编号"),
            gettext("名称"),
            gettext("类别"),
            gettext("责任单位"),
            gettext("牵头单位"),
            gettext("所在区划"),
            gettext("颜色"),
        ]
    )
    for item in items:
        colour = getattr(getattr(item, "current_colour", None), "colour", "")
        sheet.append(
            [
                item.code,
                item.name,
                str(item.get_category_display()),
                item.responsible.name,
                item.lead.name,
                item.division.name,
                colour,
            ]
        )
    for kind, title in (
        ("department", gettext("按部门")),
        ("region", gettext("按区域")),
        ("category", gettext("按类别")),
    ):
        ranking = book.create_sheet(title)
        ranking.append(
            [gettext("名次"), gettext("名称"), gettext("绿"), gettext("黄"), gettext("红"), gettext("绿码率（%）")]
        )
        for row in table[kind]:
            ranking.append([row["rank"], str(row["name"]), row["green"], row["yellow"], row["red"], row["green_rate"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_pdf(table: dict[str, Any], *, title: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("supervision/workbench/table_pdf.html", {"table": table, "title": title})
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
