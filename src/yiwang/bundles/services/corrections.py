"""The applicant's steps on a whole bundle: one correction for all departments (补正), withdrawal (撤回)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.applications.forms_data import clean_form_data
from yiwang.applications.intake import require_applicant
from yiwang.applications.lifecycle import TRANSITIONS, State
from yiwang.applications.prefill import prefill
from yiwang.applications.services import act
from yiwang.bundles.merging import map_answers, merge_forms
from yiwang.bundles.models import BundleApplication
from yiwang.bundles.services.design import ordered_items
from yiwang.bundles.services.notices import tell_applicant
from yiwang.bundles.services.progress import OPEN_STATES, advance_once
from yiwang.bundles.services.reads import children_of
from yiwang.core import audit
from yiwang.core.errors import Conflict


@transaction.atomic
def resubmit_bundle(application: BundleApplication, *, actor: User, form_data: dict[str, Any]) -> BundleApplication:
    """补正: the applicant corrects the merged form once; every child awaiting correction is resubmitted."""
    require_applicant(application, actor)
    children = children_of(application)
    waiting = [c for c in children if c.application and c.application.state == State.CORRECTION_REQUESTED]
    if not waiting:
        raise Conflict(_("当前没有需要补正的事项"), field="state")
    form = merge_forms(ordered_items([c.bundle_item for c in children]))
    applicant = application.on_behalf_of or application.submitted_by
    locked = set(prefill(form.schema, applicant))
    changes = {k: v for k, v in form_data.items() if k in form.fields and k not in locked}
    application.form_data = clean_form_data(form.schema, {**application.form_data, **changes})
    application.field_map = form.field_map()
    application.save(update_fields=["form_data", "field_map"])
    for child in waiting:
        assert child.application is not None
        answers = map_answers(application.field_map, child.bundle_item_id, application.form_data)
        act(child.application, "resubmit", actor=actor, form_data=answers)
    return advance_once(application, strict=False)[0]


@transaction.atomic
def withdraw_bundle(application: BundleApplication, *, actor: User, reason: str = "") -> BundleApplication:
    """撤回: the applicant withdraws every part still being handled; items not started yet never start.

    Parts already decided (a business licence issued) stay as they are: a withdrawal cannot undo a decision.
    """
    require_applicant(application, actor)
    application = BundleApplication.objects.select_for_update().get(pk=application.pk)
    if application.withdrawn_at is not None or application.state not in OPEN_STATES:
        raise Conflict(_("该联办件已办结、未通过或已撤回，不能撤回"), field="state")
    note = reason.strip() or gettext("申请人撤回一件事")
    withdrawn = []
    for child in children_of(application):
        if child.application is not None and child.application.state in TRANSITIONS["withdraw"].sources:
            act(child.application, "withdraw", actor=actor, note=note)
            withdrawn.append(child.application.application_no)
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["withdrawn_at"])
    audit.record(
        "bundle.withdraw",
        actor=actor,
        obj=application,
        reason=note,
        data={"no": application.number, "withdrawn": withdrawn},
    )
    application, _started = advance_once(application, strict=False)
    tell_applicant(
        application,
        gettext("您的“%(name)s”（%(no)s）已撤回，未办结的事项不再办理。")
        % {"name": application.bundle.name, "no": application.number},
        dedupe=f"bundle:{application.pk}:withdrawn",
    )
    return application
