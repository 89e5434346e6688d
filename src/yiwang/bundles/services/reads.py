"""Read models of a bundle application: its parts, who may see it, the status rows, corrections and results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.scopes import scope_queryset
from yiwang.applications.intake import is_applicant
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application
from yiwang.bundles.models import BundleApplication, BundleChild
from yiwang.core.errors import NotFound


def children_of(application: BundleApplication) -> list[BundleChild]:
    return list(
        application.children.select_related(
            "application__department",
            "application__result_certificate__cert_type",
            "bundle_item__item__department",
            "bundle_item__item__result_certificate_type",
        )
        .prefetch_related("bundle_item__depends_on", "bundle_item__item__materials")
        .order_by("bundle_item__position", "id")
    )


def correction_list(children: Sequence[BundleChild]) -> list[dict[str, Any]]:
    """Every department's outstanding correction items (一次性告知, all departments together)."""
    return [
        {
            "department": c.application.department.name,
            "item": c.bundle_item.item.name,
            "application_no": c.application.application_no,
            "items": list(c.application.correction_items),
        }
        for c in children
        if c.application is not None and c.application.state == State.CORRECTION_REQUESTED
    ]


def results(children: Sequence[BundleChild]) -> list[dict[str, Any]]:
    """Each item's result: the issued e-certificate, or the result named by the guide."""
    out = []
    for c in children:
        app = c.application
        cert = app.result_certificate if app else None
        out.append(
            {
                "item": c.bundle_item.item.name,
                "department": c.bundle_item.item.department.name,
                "certificate": cert,
                "result": (cert.cert_type.name if cert else c.bundle_item.item.result_name) or "",
            }
        )
    return out


def visible_bundle_application(user: User, number: str) -> BundleApplication:
    """The applicant's (or delegate's) own bundle, or one with a child inside an official's scope; else NotFound."""
    application = BundleApplication.objects.select_related("bundle").filter(number=number).first()
    if application is None:
        raise NotFound(_("联办件不存在"), field="number")
    if is_applicant(application, user):
        return application
    children = Application.objects.filter(bundle_child__bundle_application=application)
    if scope_queryset(user, children).exists():
        return application
    raise NotFound(_("联办件不存在"), field="number")


def status_rows(children: Sequence[BundleChild], *, withdrawn: bool = False) -> list[dict[str, Any]]:
    rows = []
    not_started = gettext("已撤回，不再办理") if withdrawn else gettext("等待前置事项办结")
    for c in children:
        app = c.application
        rows.append(
            {
                "item": c.bundle_item.item.name,
                "department": c.bundle_item.item.department.name,
                "application": app,
                "state": app.get_state_display() if app else not_started,
                "due_on": app.due_on if app else None,
                "waiting_for": [d.item.name for d in c.bundle_item.depends_on.all()]
                if app is None and not withdrawn
                else [],
                "start_error": c.start_error,
            }
        )
    return rows
