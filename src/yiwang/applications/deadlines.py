"""Time limits of a case as officials see them: the deadline colour (催办 / 超期) and its words."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.applications.lifecycle import CLOCK_RUNNING, State
from yiwang.applications.models import Application
from yiwang.core.workdays import WorkingDays

__all__ = ["COLOUR_TEXT", "YELLOW_WITHIN", "deadline_colour"]

YELLOW_WITHIN = 2  # working days left at which a case turns yellow (催办)

#: the words shown next to each colour (the inbox, a case, the workbench overview)
COLOUR_TEXT = {"green": _("正常"), "yellow": _("即将到期"), "red": _("已超期"), "paused": _("已挂起"), "": _("未受理")}


def deadline_colour(application: Application, *, today: date | None = None, days: WorkingDays | None = None) -> str:
    """``green`` / ``yellow`` / ``red`` for running clocks, ``paused`` when suspended, ``""`` otherwise."""
    if application.state == State.SUSPENDED:
        return "paused"
    if application.state not in CLOCK_RUNNING or application.due_on is None:
        return ""
    today = today or timezone.localdate()
    if today > application.due_on:
        return "red"
    left = (days or WorkingDays()).working_days_between(today, application.due_on)
    return "yellow" if left <= YELLOW_WITHIN else "green"
