"""Working days (工作日) for time limits, from the ``WorkCalendar`` table.

Convention for time limits (法定时限 / 承诺时限, counted in working days): the day of submission does not count.
An application submitted on day D with a limit of N working days is due at the end of the N-th working day after
D, i.e. ``add_working_days(D, N)``; this holds whether D itself is a working day or not (a Saturday submission
starts counting on Monday). ``working_days_between(D, due)`` gives N back.

A date whose year has not been seeded raises :class:`CalendarNotSeeded`: the State Council publishes next year's
放假安排 between October and December, and a deadline computed as "weekdays only" would be wrong on every
holiday and 调休 weekend, so we refuse instead of guessing.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, timedelta

import holidays
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from holidays.countries.china import ChinaStaticHolidays

from yiwang.core import audit
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.models import WorkCalendar

__all__ = [
    "CalendarNotSeeded",
    "WorkingDays",
    "add_working_days",
    "is_working_day",
    "next_working_day",
    "package_years",
    "seed_provisional_calendar",
    "seed_work_calendar",
    "working_days_between",
]

Kind = WorkCalendar.Kind
SEED_SOURCE = f"{WorkCalendar.SEED_SOURCE_PREFIX}{holidays.__version__}"
#: Rows of a year the State Council has not announced yet, for the demo city only: a later package seed replaces them
PROVISIONAL_SOURCE = f"{WorkCalendar.SEED_SOURCE_PREFIX}provisional"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SUBSTITUTED_PREFIX = "休息日"  # the package's zh_CN label of a day off moved from a weekend: 休息日（由 … 调休）
_OBSERVED_SUFFIX = "（补假）"


class CalendarNotSeeded(DomainError):
    """The working-day calendar has no data for this year yet."""

    status_code = 503
    default_code = "calendar_not_seeded"

    def __init__(self, year: int) -> None:
        super().__init__(format_lazy(_("{year} 年的工作日历尚未发布，请管理员维护"), year=year))
        self.year = year


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


class WorkingDays:
    """Working-day arithmetic that loads each year it touches once (one query per year, then memory).

    Keep one instance for a batch of computations (e.g. the deadlines of a page of applications); the module
    functions below use a fresh one per call, so an official's edit is seen at once.
    """

    def __init__(self) -> None:
        self._working: dict[int, frozenset[date]] = {}

    def _working_dates(self, year: int) -> frozenset[date]:
        if year not in self._working:
            rows = list(
                WorkCalendar.objects.filter(date__range=(date(year, 1, 1), date(year, 12, 31))).values_list(
                    "date", "is_working_day"
                )
            )
            if len(rows) != _days_in_year(year):
                raise CalendarNotSeeded(year)
            self._working[year] = frozenset(d for d, working in rows if working)
        return self._working[year]

    def is_working_day(self, d: date) -> bool:
        return d in self._working_dates(d.year)

    def add_working_days(self, start: date, n: int) -> date:
        """The date that is ``n`` working days after ``start`` (``start`` itself does not count)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = start
        while n > 0:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the half-open interval (a, b]; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count


def is_working_day(d: date) -> bool:
    """Whether offices work on ``d`` (weekdays, and 调休 weekends; not holidays)."""
    return WorkingDays().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The date that is ``n`` (>= 0) working days after ``start``; ``start`` itself does not count."""
    return WorkingDays().add_working_days(start, n)


def working_days_between(a: date, b: date) -> int:
    """Number of working days after ``a`` up to and including ``b`` (negative if ``b < a``)."""
    return WorkingDays().working_days_between(a, b)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    return WorkingDays().add_working_days(d, 1)


# --- seeding from the holidays package ------------------------------------------------------------------------


def package_years() -> range:
    """Years for which the ``holidays`` package encodes the State Council's notice (调休 included).

    For later years the package would still compute the festivals, but not the 调休 weekends, which are only
    known once the notice is published; those years are not seeded.
    """
    published = ChinaStaticHolidays.special_public_holidays
    return range(min(published), max(published) + 1)


def _festival_of(day_off: date, package: holidays.HolidayBase) -> str:
    """The festival whose block of consecutive days off contains ``day_off`` (e.g. 国庆节), or ``""``."""
    for step in (-1, 1):
        d = day_off
        while d in package or (d.weekday() >= 5 and not package.is_working_day(d)):
            for name in str(package.get(d, "")).split("; "):
                if name and not name.startswith(_SUBSTITUTED_PREFIX):
                    return name.removesuffix(_OBSERVED_SUFFIX)
            d += timedelta(days=step)
    return ""


def _package_year(year: int) -> dict[date, tuple[str, str]]:
    """``{date: (kind, name)}`` for every date of ``year`` according to the ``holidays`` package."""
    # The next year's notice may move a working day into this year's last days (e.g. 2001-12-29 for 2002's
    # New Year), so both years are populated.
    package = holidays.China(years=[year, year + 1], language="zh_CN")
    makeup_for: dict[date, date] = {}  # make-up working weekend -> the weekday given off in exchange
    for day_off, label in package.items():
        if label.startswith(_SUBSTITUTED_PREFIX) and (m := _ISO_DATE.search(label)):
            makeup_for[date.fromisoformat(m.group())] = day_off

    days: dict[date, tuple[str, str]] = {}
    d = date(year, 1, 1)
    while d.year == year:
        if d in package:
            label = str(package[d])
            name = _festival_of(d, package) if label.startswith(_SUBSTITUTED_PREFIX) else label
            days[d] = (Kind.HOLIDAY, (name or label)[:64])
        elif d.weekday() >= 5 and package.is_working_day(d):
            days[d] = (Kind.MAKEUP_WORKDAY, _festival_of(makeup_for[d], package) if d in makeup_for else "")
        elif d.weekday() >= 5:
            days[d] = (Kind.WEEKEND, "")
        else:
            days[d] = (Kind.WORKDAY, "")
        d += timedelta(days=1)
    return days


def seed_work_calendar(years: Iterable[int]) -> int:
    """Write the package's calendar for ``years`` into ``WorkCalendar``; returns the rows created or changed.

    Idempotent (a second run changes nothing) and never touches a row an official edited. Years outside
    :func:`package_years` are refused, not invented.
    """
    years = sorted(set(years))
    known = package_years()
    missing = [y for y in years if y not in known]
    if missing:
        raise ValidationFailed(
            format_lazy(
                _("holidays 软件包没有 {years} 年的放假安排，请在国务院通知发布后升级软件包或由管理员维护"),
                years="、".join(map(str, missing)),
            ),
            field="years",
        )
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        for year in years:
            existing = {
                row.date: row for row in WorkCalendar.objects.filter(date__range=(date(year, 1, 1), date(year, 12, 31)))
            }
            create, update = [], []
            for d, (kind, name) in _package_year(year).items():
                row = existing.get(d)
                if row is None:
                    row = WorkCalendar(date=d, kind=kind, name=name, source=SEED_SOURCE)
                    row.is_working_day = kind in WorkCalendar.WORKING_KINDS
                    create.append(row)
                elif not row.edited_by_official and (row.kind, row.name, row.source) != (kind, name, SEED_SOURCE):
                    row.kind, row.name, row.source, row.updated_at = kind, name, SEED_SOURCE, now
                    row.is_working_day = kind in WorkCalendar.WORKING_KINDS
                    update.append(row)
            WorkCalendar.objects.bulk_create(create)
            WorkCalendar.objects.bulk_update(update, ["kind", "is_working_day", "name", "source", "updated_at"])
            changed += len(create) + len(update)
        if changed:
            audit.record(
                "core.calendar.seed",
                object_type="core.workcalendar",
                data={"years": years, "changed": changed, "source": SEED_SOURCE},
            )
    return changed


# --- publishing a year from the State Council's notice ----------------------------------------------------------


def publish_work_calendar(
    year: int, exceptions: dict[date, tuple[str, str]], *, actor: object, reason: str = ""
) -> int:
    """Enter a whole year from the State Council's 放假安排 notice, for a year the package does not know yet.

    ``exceptions`` maps each date that departs from the weekday rule to ``(kind, name)``: ``holiday`` for a day
    off (on a weekday or a weekend inside a holiday block) and ``makeup_workday`` for a 调休 working weekend.
    Every other date is a workday (Mon–Fri) or a weekend. The year's rows are replaced in one transaction and
    marked as entered by the official, so a later package seed never overwrites them.
    """
    allowed = {Kind.HOLIDAY, Kind.MAKEUP_WORKDAY}
    for d, (kind, _name) in exceptions.items():
        if d.year != year:
            raise ValidationFailed(
                format_lazy(_("日期 {date} 不属于 {year} 年"), date=d.isoformat(), year=year), field="date"
            )
        if kind not in allowed:
            raise ValidationFailed(format_lazy(_("未知的日期类型 {kind}"), kind=kind), field="kind")
        if kind == Kind.MAKEUP_WORKDAY and d.weekday() < 5:
            raise ValidationFailed(
                format_lazy(_("{date} 是工作日，不能设为调休上班日"), date=d.isoformat()), field="date"
            )
    source = f"official:{getattr(actor, 'username', '') or 'operator'}"
    rows = []
    d = date(year, 1, 1)
    while d.year == year:
        kind, name = exceptions.get(d, (Kind.WEEKEND if d.weekday() >= 5 else Kind.WORKDAY, ""))
        row = WorkCalendar(date=d, kind=kind, name=name[:64], source=source)
        row.is_working_day = kind in WorkCalendar.WORKING_KINDS
        rows.append(row)
        d += timedelta(days=1)
    with transaction.atomic():
        WorkCalendar.objects.filter(date__year=year).delete()
        WorkCalendar.objects.bulk_create(rows)
        audit.record(
            "core.calendar.publish",
            actor=actor if getattr(actor, "pk", None) else None,
            object_type="core.workcalendar",
            object_id=str(year),
            reason=reason,
            data={
                "year": year,
                "holidays": sum(k == Kind.HOLIDAY for k, _n in exceptions.values()),
                "makeup_workdays": sum(k == Kind.MAKEUP_WORKDAY for k, _n in exceptions.values()),
            },
        )
    return len(rows)


# --- a provisional year for the demo city ---------------------------------------------------------------------


def seed_provisional_calendar(year: int) -> int:
    """For the demo only: write ``year`` from the statutory festivals the package computes, without 调休.

    Used when the State Council's notice for ``year`` is not in the package yet, so that the demo city's time
    limits that run into that year can be counted. Refused for a year the package knows (seed it properly) and a
    no-op when the year has any rows (published by an official, or already provisional). The rows are marked
    ``holidays provisional``, so a later :func:`seed_work_calendar` of that year replaces them with the real ones.
    Never use this for production deadlines: a 调休 working weekend is missing and some days off may differ.
    """
    if year in package_years():
        raise ValidationFailed(format_lazy(_("{year} 年已有正式放假安排，请导入正式日历"), year=year), field="year")
    if WorkCalendar.objects.filter(date__year=year).exists():
        return 0
    package = holidays.China(years=year, language="zh_CN")
    rows = []
    d = date(year, 1, 1)
    while d.year == year:
        if d in package:
            kind, name = Kind.HOLIDAY, str(package[d]).removesuffix(_OBSERVED_SUFFIX)[:64]
        else:
            kind, name = (Kind.WEEKEND if d.weekday() >= 5 else Kind.WORKDAY), ""
        row = WorkCalendar(date=d, kind=kind, name=name, source=PROVISIONAL_SOURCE)
        row.is_working_day = kind in WorkCalendar.WORKING_KINDS
        rows.append(row)
        d += timedelta(days=1)
    with transaction.atomic():
        WorkCalendar.objects.bulk_create(rows)
        audit.record(
            "core.calendar.provisional",
            object_type="core.workcalendar",
            object_id=str(year),
            reason="演示：国务院放假安排发布前，按法定节日推算（未含调休）",
            data={"year": year, "holidays": sum(r.kind == Kind.HOLIDAY for r in rows)},
        )
    return len(rows)
