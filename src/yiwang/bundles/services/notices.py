"""What the applicant is told of a bundle: once per correction round, once at the end, once on a refusal."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext

from yiwang.accounts.models import User
from yiwang.applications.lifecycle import State
from yiwang.applications.models import ApplicationEvent
from yiwang.bundles.graph import prerequisites_closure
from yiwang.bundles.models import BundleApplication, BundleChild
from yiwang.bundles.services.reads import correction_list, results
from yiwang.core.notify import notify


def recipients(application: BundleApplication) -> list[User]:
    users = [application.submitted_by]
    if application.on_behalf_of and application.on_behalf_of.pk != application.submitted_by_id:
        users.append(application.on_behalf_of)
    return users


def tell_applicant(application: BundleApplication, body: str, *, dedupe: str, sms: bool = False) -> None:
    url = reverse("bundles:status", args=[application.number])
    for user in recipients(application):
        notify(
            user,
            str(application.bundle.name),
            body,
            url=url,
            channels=("portal", "sms") if sms else ("portal",),
            dedupe_key=dedupe,
            obj=application,
        )


def notify_corrections(application: BundleApplication, children: Sequence[BundleChild]) -> None:
    """One combined notice per correction round; a round changes when a department asks for a new correction."""
    waiting = [c for c in children if c.application and c.application.state == State.CORRECTION_REQUESTED]
    if not waiting:
        application.correction_notice = ""
        return
    last_requests = {
        e["application_id"]: e["pk"]
        for e in ApplicationEvent.objects.filter(
            application_id__in=[c.application_id for c in waiting], action="request_correction"
        )
        .order_by("pk")
        .values("application_id", "pk")
    }
    signature = ",".join(f"{c.application_id}:{last_requests.get(c.application_id or 0, 0)}" for c in waiting)[:500]
    if signature == application.correction_notice:
        return
    application.correction_round += 1
    application.correction_notice = signature
    lines = [
        f"{entry['department']}（{entry['item']}）：{'；'.join(entry['items'])}" for entry in correction_list(children)
    ]
    body = (
        gettext("您的“%(name)s”（%(no)s）需要补正，请一次性补齐以下全部内容后重新提交：")
        % {"name": application.bundle.name, "no": application.number}
        + "\n"
        + "\n".join(lines)
    )
    tell_applicant(
        application, body, dedupe=f"bundle:{application.pk}:correction:{application.correction_round}", sms=True
    )


def notify_completion(application: BundleApplication, children: Sequence[BundleChild]) -> None:
    lines = []
    for entry in results(children):
        cert = entry["certificate"]
        if cert is not None:
            lines.append(
                gettext("%(item)s：%(type)s，证照编号 %(no)s")
                % {"item": entry["item"], "type": entry["result"], "no": cert.number}
            )
        else:
            lines.append(gettext("%(item)s：已办结") % {"item": entry["item"]})
    body = (
        gettext("您的“%(name)s”（%(no)s）已全部办结，办理结果如下：")
        % {"name": application.bundle.name, "no": application.number}
        + "\n"
        + "\n".join(lines)
    )
    tell_applicant(application, body, dedupe=f"bundle:{application.pk}:completed", sms=True)


def notify_refusal(application: BundleApplication, children: Sequence[BundleChild]) -> None:
    """Once: which parts were refused and why, what that means for the rest (each department also serves its own
    decision with the legal remedies)."""
    lines = [
        gettext("%(item)s（%(department)s）：%(state)s，理由：%(reason)s")
        % {
            "item": c.bundle_item.item.name,
            "department": c.application.department.name,
            "state": c.application.get_state_display(),
            "reason": c.application.decision_reason,
        }
        for c in children
        if c.application is not None and c.application.state in {State.REFUSED, State.DENIED}
    ]
    refused = {
        c.bundle_item_id
        for c in children
        if c.application is not None and c.application.state in {State.REFUSED, State.DENIED}
    }
    depends = {c.bundle_item_id: {d.pk for d in c.bundle_item.depends_on.all()} for c in children}
    waiting = [  # never start: a prerequisite, direct or not, was refused
        c.bundle_item.item.name
        for c in children
        if c.application is None and prerequisites_closure(depends, c.bundle_item_id) & refused
    ]
    body = (
        gettext("您的“%(name)s”（%(no)s）有事项未获通过：")
        % {"name": application.bundle.name, "no": application.number}
        + "\n"
        + "\n".join(lines)
    )
    if waiting:
        body += "\n" + gettext("以其结果为前提的事项不再办理：%(items)s") % {"items": "、".join(waiting)}
    tell_applicant(application, body, dedupe=f"bundle:{application.pk}:refused", sms=True)
