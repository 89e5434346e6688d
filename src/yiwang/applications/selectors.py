"""Scoped reads of applications: the official's inbox and the applicant's own cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from yiwang.accounts.models import User
from yiwang.accounts.scopes import scope_queryset
from yiwang.applications.deadlines import YELLOW_WITHIN
from yiwang.applications.lifecycle import CLOCK_RUNNING, FINAL_STATES, State
from yiwang.applications.models import Application


def cases_for(user: User) -> QuerySet[Application]:
    """Every application of the official's departments and divisions, finished ones included."""
    qs = Application.objects.select_related("item", "department")
    return scope_queryset(user, qs, division_field="division", department_field="department")


def inbox_for(user: User) -> QuerySet[Application]:
    """Open applications in the official's scope, most urgent first (earliest deadline, then longest waiting)."""
    return cases_for(user).exclude(state__in=FINAL_STATES).order_by(F("due_on").asc(nulls_last=True), "submitted_at")


def applications_of(user: User) -> QuerySet[Application]:
    """The applications the user submitted (their own, or for their enterprise)."""
    return (
        Application.objects.filter(Q(submitted_by=user) | Q(on_behalf_of=user))
        .select_related("item")
        .order_by("-submitted_at")
    )


#: the inbox's sort orders (``InboxFilterForm.SORTS``); every one ends on the primary key so pages never overlap
_SORTS: dict[str, tuple[Any, ...]] = {
    "due": (F("due_on").asc(nulls_last=True), "submitted_at", "pk"),
    "oldest": ("submitted_at", "pk"),
    "newest": ("-submitted_at", "-pk"),
    "item": ("item__name", "submitted_at", "pk"),
}


@dataclass
class InboxQuery:
    """What an official asked the inbox for (all optional): words, state, item, channel, deadline, sort."""

    q: str = ""
    state: str = ""
    item: int | None = None
    channel: str = ""
    deadline: str = ""
    sort: str = "due"


@dataclass
class InboxCounts:
    """Counts of the official's open cases (before the filters), by state, by channel and by deadline."""

    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    soon: int = 0


def filtered_cases(user: User, query: InboxQuery, *, today: date) -> QuerySet[Application]:
    """The official's cases under ``query``; open ones unless a state says otherwise (scope first, always)."""
    from yiwang.core.workdays import WorkingDays

    qs = cases_for(user)
    if query.state == "final":
        qs = qs.filter(state__in=FINAL_STATES)
    elif query.state in State.values:
        qs = qs.filter(state=query.state)
    else:
        qs = qs.exclude(state__in=FINAL_STATES)
    if query.q:
        words = query.q.strip()
        qs = qs.filter(
            Q(application_no__startswith=words) | Q(applicant_name__contains=words) | Q(item__name__contains=words)
        )
    if query.item:
        qs = qs.filter(item_id=query.item)
    if query.channel:
        qs = qs.filter(channel=query.channel)
    if query.deadline == "overdue":
        qs = qs.filter(state__in=CLOCK_RUNNING, due_on__lt=today)
    elif query.deadline == "soon":
        last = WorkingDays().add_working_days(today, YELLOW_WITHIN)
        qs = qs.filter(state__in=CLOCK_RUNNING, due_on__gte=today, due_on__lte=last)
    elif query.deadline == "unaccepted":
        qs = qs.filter(state=State.SUBMITTED)
    return qs.order_by(*_SORTS.get(query.sort or "due", _SORTS["due"]))


def inbox_counts(user: User, *, today: date) -> InboxCounts:
    """The open cases of the official's scope counted three ways (one grouped query each)."""
    from yiwang.core.workdays import WorkingDays

    open_cases = cases_for(user).exclude(state__in=FINAL_STATES).order_by()
    by_state = dict(open_cases.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    by_channel = dict(open_cases.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    running = open_cases.filter(state__in=CLOCK_RUNNING)
    last = WorkingDays().add_working_days(today, YELLOW_WITHIN)
    return InboxCounts(
        total=sum(by_state.values()),
        by_state=by_state,
        by_channel=by_channel,
        overdue=running.filter(due_on__lt=today).count(),
        soon=running.filter(due_on__gte=today, due_on__lte=last).count(),
    )


def channel_report(user: User, *, since: date | None = None) -> list[dict[str, Any]]:
    """Cases of the official's scope by channel (办理渠道): submitted, finished, open; for reports cut by channel."""
    from yiwang.applications.models import Channel

    qs = cases_for(user).order_by()
    if since is not None:
        qs = qs.filter(submitted_at__date__gte=since)
    rows = {
        row["channel"]: row
        for row in qs.values("channel").annotate(
            submitted=Count("pk"),
            completed=Count("pk", filter=Q(state=State.COMPLETED)),
            open=Count("pk", filter=~Q(state__in=FINAL_STATES)),
        )
    }
    return [
        {
            "channel": code,
            "label": label,
            **{k: rows.get(code, {}).get(k, 0) for k in ("submitted", "completed", "open")},
        }
        for code, label in Channel.choices
    ]
