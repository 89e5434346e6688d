"""催办: daily reminders to the officials of a department about cases turning yellow (due soon) or red (overdue)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import RoleAssignment, User
from yiwang.applications.deadlines import deadline_colour
from yiwang.applications.lifecycle import CLOCK_RUNNING
from yiwang.applications.models import Application
from yiwang.core.notify import notify
from yiwang.core.workdays import WorkingDays


@transaction.atomic
def send_deadline_reminders() -> int:
    """Notify each official holding a role in the case's department once per case, colour and day; returns rows."""
    today = timezone.localdate()
    days = WorkingDays()
    sent = 0
    cases = Application.objects.filter(state__in=CLOCK_RUNNING, due_on__isnull=False).select_related("item")
    for application in cases.iterator(chunk_size=500):
        colour = deadline_colour(application, today=today, days=days)
        if colour not in {"yellow", "red"}:
            continue
        officials = User.objects.filter(
            pk__in=RoleAssignment.objects.filter(department_id=application.department_id).values("user_id"),
            is_active=True,
        )
        text = (
            _("办件 %(no)s（%(item)s）已超过承诺办结日期 %(due)s，请立即办理。")
            if colour == "red"
            else _("办件 %(no)s（%(item)s）将于 %(due)s 到期，请抓紧办理。")
        ) % {"no": application.application_no, "item": application.item.name, "due": application.due_on}
        for official in officials:
            notify(
                official,
                _("催办提醒"),
                text,
                url=reverse("applications:workbench:case", args=[application.application_no]),
                dedupe_key=f"reminder:{application.pk}:{colour}:{today.isoformat()}",
                obj=application,
            )
            sent += 1
    return sent
