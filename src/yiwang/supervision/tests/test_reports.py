"""Weekly and monthly reports: what turned red in the period, what came back to green, the loop's figures;
generated once per period, from the command (PDF, xlsx) and from the page."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yiwang.supervision.models import ColourRecord, PeriodicReport
from yiwang.supervision.services import generate_periodic_report, recompute_colours, report_period
from yiwang.supervision.tests.factories import item, report

PASSWORD = "Correct-Horse-9"


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(20)))


def test_the_weekly_report_lists_what_turned_red_and_what_came_back(desk):
    late, fine = item(desk.responsible, desk.lead), item(desk.responsible, desk.lead, code="XM-002", name="跨江大桥")
    report(late, "2026-03", plan=30, actual=30)
    report(fine, "2026-03", plan=30, actual=15)
    recompute_colours(as_of=dt.date(2026, 3, 31))
    ColourRecord.objects.update(computed_at=_at(dt.date(2026, 3, 27)))  # the week before
    report(late, "2026-04", plan=40, actual=10, investment=38)
    report(fine, "2026-04", plan=40, actual=40)
    recompute_colours(as_of=dt.date(2026, 4, 8))
    ColourRecord.objects.filter(as_of=dt.date(2026, 4, 8)).update(computed_at=_at(dt.date(2026, 4, 8)))

    weekly = generate_periodic_report(kind="weekly", day=dt.date(2026, 4, 9))
    assert (weekly.period_start, weekly.period_end) == (dt.date(2026, 4, 6), dt.date(2026, 4, 12))
    assert [r["code"] for r in weekly.body["turned_red"]] == ["XM-001"]
    assert weekly.body["turned_red"][0]["held"] == ["progress_far_behind"]
    assert [(r["code"], r["from"]) for r in weekly.body["back_to_green"]] == [("XM-002", "red")]
    assert weekly.body["totals"] == {"green": 1, "yellow": 0, "red": 1}
    assert generate_periodic_report(kind="weekly", day=dt.date(2026, 4, 12)).pk == weekly.pk  # once per week
    assert report_period("monthly", dt.date(2026, 2, 10)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_the_report_command_writes_a_pdf_and_a_workbook(desk, tmp_path):
    from openpyxl import load_workbook

    late = item(desk.responsible, desk.lead)
    report(late, "2026-04", plan=40, actual=10)
    recompute_colours(as_of=dt.date(2026, 4, 30))
    out = io.StringIO()
    call_command("supervision_report", "monthly", "--day", "2026-04-15", "--out", str(tmp_path / "m.pdf"), stdout=out)
    assert json.loads(out.getvalue())["totals"]["red"] == 1
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    call_command("supervision_report", "monthly", "--day", "2026-04-15", "--out", str(tmp_path / "m.xlsx"), stdout=out)
    book = load_workbook(tmp_path / "m.xlsx")
    assert [row[0] for row in book["红码事项"].iter_rows(min_row=2, values_only=True)] == ["XM-001"]
    assert PeriodicReport.objects.count() == 1


def test_a_city_supervisor_generates_and_downloads_a_report_a_district_official_may_not(client, desk):
    client.login(username=desk.lead_official.username, password=PASSWORD)
    response = client.post(reverse("supervision:workbench:reports"), {"kind": "weekly", "day": "2026-04-09"})
    made = PeriodicReport.objects.get()
    assert response.status_code == 302 and made.period_start == dt.date(2026, 4, 6)
    pdf = client.get(reverse("supervision:workbench:report", args=[made.pk]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bad = client.post(reverse("supervision:workbench:reports"), {"kind": "yearly", "day": "2026-04-09"})
    assert bad.status_code == 200 and PeriodicReport.objects.count() == 1
    client.logout()
    client.login(username=desk.responsible_official.username, password=PASSWORD)
    assert client.get(reverse("supervision:workbench:reports")).status_code == 403


def test_the_scheduled_commands_recompute_and_escalate(desk):
    late = item(desk.responsible, desk.lead)
    report(late, "2026-04", plan=40, actual=10)
    out = io.StringIO()
    call_command("supervision_recompute", "--as-of", "2026-04-30", stdout=out)
    assert json.loads(out.getvalue())["counts"]["red"] == 1
    from yiwang.supervision.services import issue_rectification

    issue_rectification(
        actor=desk.lead_official, item=late, working_days=2, evidence_required="照片", today=dt.date(2026, 5, 6)
    )
    out = io.StringIO()
    call_command("supervision_escalate", "--today", "2026-05-20", stdout=out)
    assert json.loads(out.getvalue()) == {"escalated": 1}
