"""The officials' pages: one map and one table, an item's reason and rectification, exports."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from yiwang.supervision.models import RectificationOrder
from yiwang.supervision.services import recompute_colours
from yiwang.supervision.tests.factories import item, report

PASSWORD = "Correct-Horse-9"


def test_the_dashboard_ranks_departments_and_the_item_page_issues_an_order(client, desk):
    red = item(desk.responsible, desk.lead, code="R")
    green = item(desk.lead, desk.lead, code="G", name="城市书房")
    report(red, "2026-03", plan=30, actual=5, investment=10)
    report(green, "2026-03", plan=30, actual=30)
    recompute_colours(as_of=dt.date(2026, 3, 31))

    client.login(username=desk.lead_official.username, password=PASSWORD)
    page = client.get(reverse("supervision:workbench:dashboard")).content.decode()
    ranking = page[page.index('id="rank-department"') :]
    assert ranking.index("杭州市发展和改革委员会") < ranking.index("西湖区市场监督管理局")
    assert "echarts.min.js" in page and 'id="yw-chart-data"' in page

    detail = client.get(reverse("supervision:workbench:item", args=[red.pk])).content.decode()
    assert "形象进度滞后" in detail and "第十二条" in detail
    client.post(
        reverse("supervision:workbench:item", args=[red.pk]),
        {"action": "issue", "working_days": 5, "evidence_required": "照片"},
    )
    assert RectificationOrder.objects.filter(item=red, state="open").exists()


def test_the_table_exports_to_excel_and_pdf(client, desk):
    report(item(desk.responsible, desk.lead), "2026-03", plan=30, actual=30)
    recompute_colours(as_of=dt.date(2026, 3, 31))
    client.login(username=desk.lead_official.username, password=PASSWORD)
    xlsx = client.get(reverse("supervision:workbench:export_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(reverse("supervision:workbench:export_pdf"))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
