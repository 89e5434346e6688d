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


def _report_title(report: Any) -> str:
    return gettext("督查督办%(kind)s（%(start)s 至 %(end)s）") % {
        "kind": report.get_kind_display(),
        "start": report.period_start.isoformat(),
        "end": report.period_end.isoformat(),
    }


def periodic_report_xlsx(report: Any) -> bytes:
    """A weekly or monthly report as a workbook: summary, ranking, red items, colour changes."""
    from openpyxl import Workbook

    body = report.body
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = gettext("概况")
    summary.append([_report_title(report)])
    for label, value in (
        (gettext("绿码"), body["totals"]["green"]),
        (gettext("黄码"), body["totals"]["yellow"]),
        (gettext("红码"), body["totals"]["red"]),
        (gettext("本期转红"), len(body["turned_red"])),
        (gettext("本期转绿"), len(body["back_to_green"])),
        (gettext("本期下达整改单"), body["rectification"]["issued"]),
        (gettext("本期销号"), body["rectification"]["closed"]),
        (gettext("未销号整改单"), body["rectification"]["open"]),
        (gettext("逾期未整改"), body["rectification"]["overdue"]),
    ):
        summary.append([label, value])
    ranking = book.create_sheet(gettext("部门排名"))
    ranking.append(
        [gettext("名次"), gettext("责任单位"), gettext("绿"), gettext("黄"), gettext("红"), gettext("绿码率（%）")]
    )
    for row in body["departments"]:
        ranking.append([row["rank"], row["name"], row["green"], row["yellow"], row["red"], row["green_rate"]])
    reds = book.create_sheet(gettext("红码事项"))
    reds.append([gettext("编号"), gettext("名称"), gettext("责任单位"), gettext("疑似造假")])
    for row in body["red_items"]:
        reds.append([row["code"], row["name"], row["responsible"], "、".join(row["flags"])])
    changes = book.create_sheet(gettext("颜色变化"))
    changes.append([gettext("编号"), gettext("名称"), gettext("责任单位"), gettext("变化"), gettext("日期")])
    for row in body["turned_red"]:
        changes.append([row["code"], row["name"], row["responsible"], gettext("转为红码"), row["on"]])
    for row in body["back_to_green"]:
        changes.append([row["code"], row["name"], row["responsible"], gettext("恢复绿码"), row["on"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def periodic_report_pdf(report: Any) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "supervision/workbench/periodic_report_pdf.html",
        {"report": report, "body": report.body, "title": _report_title(report)},
    )
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
