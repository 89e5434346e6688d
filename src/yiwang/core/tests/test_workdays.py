"""Working days: the 2026 State Council schedule as the holidays package encodes it, deadlines, unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry, WorkCalendar
from yiwang.core.workdays import (
    CalendarNotSeeded,
    WorkingDays,
    add_working_days,
    is_working_day,
    next_working_day,
    package_years,
    seed_work_calendar,
    working_days_between,
)

PASSWORD = "Correct-Horse-9"
User = get_user_model()  # accounts.User; through the setting, since core sits below accounts


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def seeded(db) -> None:
    seed_work_calendar([2025, 2026])


def test_national_day_2026_matches_the_state_council_schedule(seeded):
    # 国务院办公厅关于2026年部分节假日安排的通知: 10-01..10-07 off, 调休上班 on Sun 09-20 and Sat 10-10.
    assert not any(is_working_day(d) for d in _days(date(2026, 10, 1), date(2026, 10, 7)))
    assert is_working_day(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6
    assert is_working_day(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5
    makeup = WorkCalendar.objects.get(date=date(2026, 10, 10))
    assert (makeup.kind, makeup.name) == (WorkCalendar.Kind.MAKEUP_WORKDAY, "国庆节")
    assert WorkCalendar.objects.get(date=date(2026, 10, 6)).name == "国庆节"


def test_spring_festival_2026_matches_the_state_council_schedule(seeded):
    assert not any(is_working_day(d) for d in _days(date(2026, 2, 15), date(2026, 2, 23)))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))  # both Saturdays
    assert WorkCalendar.objects.get(date=date(2026, 2, 14)).name == "春节"
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 24))


def test_deadline_across_national_day(seeded):
    # Submitted Tue 2026-09-29, 5 working days: 09-30, (holiday 10-01..07), 10-08, 10-09, Sat 10-10 (调休), 10-12.
    assert add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)
    assert working_days_between(date(2026, 9, 29), date(2026, 10, 12)) == 5


def test_makeup_saturday_counts_and_ordinary_weekends_do_not(seeded):
    assert next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)  # Fri -> 调休 Saturday
    assert next_working_day(date(2026, 10, 10)) == date(2026, 10, 12)  # Sunday 10-11 is off
    assert not is_working_day(date(2026, 11, 7)) and not is_working_day(date(2026, 11, 8))
    assert next_working_day(date(2026, 11, 6)) == date(2026, 11, 9)
    # A Saturday submission starts counting on Monday; the start day never counts.
    assert add_working_days(date(2026, 11, 7), 1) == date(2026, 11, 9)
    assert add_working_days(date(2026, 11, 9), 0) == date(2026, 11, 9)


def test_unknown_year_is_an_error_not_a_weekday_guess(seeded):
    with pytest.raises(CalendarNotSeeded) as caught:
        add_working_days(date(2026, 12, 28), 10)
    assert caught.value.year == 2027
    assert "2027 年的工作日历尚未发布，请管理员维护" in str(caught.value.message)
    with pytest.raises(CalendarNotSeeded, match="2031"):
        is_working_day(date(2031, 3, 3))


def test_a_partly_missing_year_counts_as_not_seeded(seeded):
    WorkCalendar.objects.filter(date=date(2026, 6, 1)).delete()
    with pytest.raises(CalendarNotSeeded, match="2026"):
        add_working_days(date(2026, 5, 1), 30)


def test_seeding_is_idempotent_and_refuses_years_the_package_lacks(seeded):
    assert WorkCalendar.objects.filter(date__year=2026).count() == 365
    assert seed_work_calendar([2026]) == 0
    assert 2027 not in package_years()
    with pytest.raises(ValidationFailed):
        seed_work_calendar([2027])
    assert not WorkCalendar.objects.filter(date__year=2027).exists()
    assert AuditEntry.objects.filter(action="core.calendar.seed").count() == 1


def test_an_officials_edit_survives_reseeding(seeded):
    row = WorkCalendar.objects.get(date=date(2026, 12, 31))
    row.kind, row.name, row.source = WorkCalendar.Kind.HOLIDAY, "地方假日", "official:li"
    row.save()
    assert seed_work_calendar([2026]) == 0
    row.refresh_from_db()
    assert (row.kind, row.is_working_day, row.name) == ("holiday", False, "地方假日")
    assert not is_working_day(date(2026, 12, 31))


def test_admin_edit_is_marked_audited_and_kept(seeded, client):
    official = User.objects.create_user(
        username="calendar-admin", password=PASSWORD, kind="admin", is_staff=True, is_superuser=True
    )
    client.force_login(official)
    url = "/admin/core/workcalendar/2026-12-31/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "holiday", "name": "地方假日"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = WorkCalendar.objects.get(date=date(2026, 12, 31))
    assert (row.kind, row.is_working_day, row.source) == ("holiday", False, "official:calendar-admin")
    entry = AuditEntry.objects.get(action="core.workcalendar.update")
    assert entry.actor == official and entry.object_id == "2026-12-31"
    seed_work_calendar([2026])
    assert WorkCalendar.objects.get(date=date(2026, 12, 31)).kind == "holiday"


def test_a_year_of_deadlines_takes_a_handful_of_queries(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        due = add_working_days(date(2025, 1, 1), 250)
    assert due.year == 2026
    calendar = WorkingDays()
    calendar.add_working_days(date(2025, 3, 1), 20)
    with django_assert_max_num_queries(0):  # already loaded
        calendar.working_days_between(date(2025, 3, 1), date(2025, 12, 31))


def test_calendar_command_seeds_known_years_and_reports_the_rest(db, capsys):
    call_command("calendar", "seed", "--years", "2026", "2027")
    captured = capsys.readouterr()
    assert "2027" in captured.err and "未导入" in captured.err
    assert WorkCalendar.objects.filter(date__year=2026).count() == 365
    assert not WorkCalendar.objects.filter(date__year=2027).exists()
    call_command("calendar", "status")
    assert "2026 年：365 天" in capsys.readouterr().out


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 30)),
    n=st.integers(min_value=0, max_value=120),
)
def test_working_days_between_inverts_add_working_days(seeded, start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    assert working_days_between(due, start) == -n
    assert n == 0 or is_working_day(due)


@pytest.mark.django_db
def test_publish_a_year_the_package_does_not_know(tmp_path):
    """An operator enters next year's notice; deadlines across it are then computed, and a re-seed keeps it."""
    from django.core.management import call_command

    from yiwang.core.workdays import publish_work_calendar

    notice = tmp_path / "2031.csv"
    notice.write_text(
        "date,kind,name\n2031-01-01,holiday,元旦\n2031-10-01,holiday,国庆节\n2031-10-02,holiday,国庆节\n"
        "2031-10-03,holiday,国庆节\n2031-10-04,holiday,国庆节\n2031-10-05,holiday,国庆节\n"
        "2031-10-06,holiday,国庆节\n2031-10-07,holiday,国庆节\n2031-09-28,makeup_workday,国庆节\n",
        encoding="utf-8",
    )
    call_command("calendar", "publish", "--year", "2031", "--file", str(notice), "--reason", "国办发明电〔2030〕X号")
    assert is_working_day(date(2031, 9, 28))  # a Sunday worked in exchange
    assert not is_working_day(date(2031, 10, 3))
    assert add_working_days(date(2031, 9, 30), 1) == date(2031, 10, 8)
    with pytest.raises(ValidationFailed) as exc:
        publish_work_calendar(2031, {date(2031, 9, 29): ("makeup_workday", "")}, actor=None)
    assert exc.value.field == "date"
    assert not is_working_day(date(2031, 10, 3))  # the refused publish changed nothing


@pytest.mark.django_db
def test_a_provisional_year_for_the_demo_counts_festivals_and_yields_to_a_published_one():
    from yiwang.core.workdays import PROVISIONAL_SOURCE, publish_work_calendar, seed_provisional_calendar

    year = max(package_years()) + 1
    with pytest.raises(ValidationFailed):
        seed_provisional_calendar(max(package_years()))  # a year with a published notice is seeded properly
    assert seed_provisional_calendar(year) in {365, 366}
    assert not is_working_day(date(year, 1, 1))  # 元旦, a statutory festival
    assert not is_working_day(date(year, 10, 1))  # 国庆节
    assert WorkCalendar.objects.filter(date__year=year).exclude(source=PROVISIONAL_SOURCE).count() == 0
    assert not WorkCalendar.objects.get(date=date(year, 10, 1)).edited_by_official  # a later package seed replaces it
    assert AuditEntry.objects.filter(action="core.calendar.provisional").count() == 1
    assert seed_provisional_calendar(year) == 0  # once

    publish_work_calendar(year + 1, {}, actor=None, reason="国办发明电")  # an official's year is never overwritten
    assert seed_provisional_calendar(year + 1) == 0
    assert WorkCalendar.objects.get(date=date(year + 1, 10, 1)).source.startswith(WorkCalendar.OFFICIAL_SOURCE_PREFIX)
