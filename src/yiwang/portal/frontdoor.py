"""Reads behind the front door: a life event's services, the popular services, and the personal space.

Read-only: the shell asks the domain apps (catalogue, applications, certificates, policies, messages) and
arranges what they answer for a citizen's eye. An item implemented in several districts is one service with a
choice of where to apply (``ServiceGroup``), never the same name listed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application
from yiwang.applications.selectors import applications_of
from yiwang.bundles.models import Bundle
from yiwang.catalog.models import ItemStatus, ServiceItem
from yiwang.catalog.search import search_items
from yiwang.portal.life_events import LifeEventEntry

__all__ = [
    "NextStep",
    "ServiceGroup",
    "bundles_for",
    "dashboard",
    "group_items",
    "next_step",
    "popular_services",
    "services_for",
]

#: how far back "popular" looks, and how many services the home page shows
POPULAR_DAYS = 90
POPULAR_COUNT = 8


@dataclass
class ServiceGroup:
    """One service as a citizen sees it: its name, and where (which division's implementation) to apply."""

    name: str
    first: ServiceItem
    items: list[ServiceItem] = field(default_factory=list)
    applications: int = 0

    @property
    def divisions(self) -> list[str]:
        return [i.division.name for i in self.items]


def group_items(items: list[ServiceItem]) -> list[ServiceGroup]:
    """Items of the same basic code (the same service in several districts) as one group, in first-seen order."""
    groups: dict[str, ServiceGroup] = {}
    for item in items:
        group = groups.get(item.basic_code)
        if group is None:
            group = groups[item.basic_code] = ServiceGroup(name=item.name, first=item)
        group.items.append(item)
    return list(groups.values())


def services_for(event: LifeEventEntry, *, limit: int = 60) -> list[ServiceGroup]:
    """The published items of a life event: by its catalogue codes, then by its search words."""
    found: dict[int, ServiceItem] = {}
    audience = event.audience
    for code in event.life_events:
        for item in search_items("", life_event=code, audience=audience, limit=limit):
            found.setdefault(item.pk, item)
    for query in event.queries:
        for item in search_items(query, audience=audience, limit=limit):
            if query in item.name or query in item.keywords:  # a query word, not a fuzzy neighbour
                found.setdefault(item.pk, item)
    return group_items(list(found.values()))


def bundles_for(event: LifeEventEntry) -> list[Bundle]:
    """The published one-thing bundles (一件事) of the event's life-event codes."""
    if not event.life_events:
        return []
    return list(
        Bundle.objects.filter(status=Bundle.Status.PUBLISHED, life_event__in=event.life_events).order_by("name")
    )


def popular_services(count: int = POPULAR_COUNT) -> list[ServiceGroup]:
    """The most applied-for services of the last 90 days; ties (and a quiet city) in the order they were published."""
    since = timezone.now() - timedelta(days=POPULAR_DAYS)
    counts = dict(
        Application.objects.filter(submitted_at__gte=since, item__status=ItemStatus.PUBLISHED)
        .values_list("item__basic_code")
        .annotate(n=Count("pk"))
        .values_list("item__basic_code", "n")
    )
    published = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department", "division")
    groups = group_items(list(published.order_by("pk")))  # ties: the order the catalogue was published in
    for group in groups:
        group.applications = counts.get(group.first.basic_code, 0)
    groups.sort(key=lambda g: -g.applications)  # stable: ties keep catalogue order
    return groups[:count]


# --- the personal space --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """What the applicant should do (or expect) next on a case, and whether it needs them (``action``)."""

    text: Any
    action: bool = False


def next_step(application: Application, *, rated: bool) -> NextStep:
    """The next step of a case in the applicant's words."""
    state = application.state
    if state == State.CORRECTION_REQUESTED:
        return NextStep(_("请按一次性告知清单补正材料后重新提交"), action=True)
    if state == State.SUBMITTED:
        return NextStep(_("等待受理，受理后开始计算办理时限"))
    if state == State.ACCEPTED:
        if application.due_on:
            return NextStep(_("审查中，承诺 %(due)s 前办结") % {"due": application.due_on.isoformat()})
        return NextStep(_("审查中"))
    if state == State.SUSPENDED:
        return NextStep(_("办理已挂起（如现场核查），挂起期间不计时限"))
    if state == State.APPROVED:
        return NextStep(_("已准予许可，等待办结送达"))
    if state == State.COMPLETED:
        if not rated:
            return NextStep(_("已办结，请对本次服务作出评价"), action=True)
        return NextStep(_("已办结，结果已送达"))
    if state in {State.REFUSED, State.DENIED}:
        return NextStep(_("请查看决定理由；对决定不服的，可依法申请行政复议或提起行政诉讼"))
    return NextStep(_("已撤回，无需操作"))


def dashboard(user: User) -> dict[str, Any]:
    """The personal space: open cases first with their next step, then certificates, offers and messages."""
    from yiwang.applications.models import Rating
    from yiwang.certificates import services as certificates
    from yiwang.core.notify import inbox
    from yiwang.policies.models import Offer

    cases = list(applications_of(user).select_related("item", "department")[:50])
    rated = set(Rating.objects.filter(application__in=cases).values_list("application_id", flat=True))
    steps = [(a, next_step(a, rated=a.pk in rated)) for a in cases]
    steps.sort(key=lambda pair: (not pair[1].action, pair[0].is_final))  # what needs the applicant first
    rows = [{"application": a, "next": step, "tone": a.state_tone} for a, step in steps]
    holder_ids = certificates.holder_ids_of(user)
    certs = list(certificates.certificates_of(holder_ids[0])[:6]) if holder_ids else []
    offers = (
        list(Offer.objects.filter(uscc=user.enterprise_uscc, status=Offer.Status.OFFERED).select_related("policy")[:5])
        if user.kind == User.Kind.AGENT and user.enterprise_uscc
        else []
    )
    messages = inbox(user)
    return {
        "case_rows": rows[:8],
        "case_total": len(cases),
        "open_total": sum(1 for a in cases if not a.is_final),
        "action_total": sum(1 for _a, step in steps if step.action),
        "certificates": certs,
        "offers": offers,
        "messages_list": list(messages[:5]),
        "unread_total": messages.filter(read_at__isnull=True).count(),
    }
