"""秒批 (auto-approval): an item's rules run over the application and the applicant's registry data.

If every condition holds and all data is present, the platform accepts, approves and completes the case at once,
issuing the result; otherwise the case stays in the officials' inbox with the failed or unknown conditions
marked. Either way the explanation (each condition, the value used, its source element, the clause) is stored on
the application and shown to the applicant and the official. The platform never refuses on its own: a case the
rules cannot approve goes to a person, so there is no automated refusal to appeal (ARCHITECTURE.md, Automated
decisions).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiwang.applications.models import Application
from yiwang.catalog.approval import applicant_facts, application_fact_schema, load_approval_rules
from yiwang.core.errors import DomainError
from yiwang.rules import Explanation, explain

log = logging.getLogger(__name__)


def application_facts(application: Application) -> dict[str, Any]:
    """The facts of one application: the applicant's registry elements and the form's fields."""
    return applicant_facts(application.applicant_id, application.form_data)


def check_application(application: Application) -> Explanation | None:
    """Run the item's rules (None when the item has none) and store the explanation on the application."""
    rules = load_approval_rules(application.item)
    if rules is None:
        return None
    schema = application_fact_schema(application.item)
    explanation = explain(rules, application_facts(application), schema, as_of=timezone.localdate())
    Application.objects.filter(pk=application.pk).update(auto_decision=explanation.as_dict())
    return explanation


def run_auto_approval(application: Application) -> Application:
    """After submission: approve and complete at once when the rules hold, else leave the case for a person."""
    from yiwang.applications.services import act, record_note

    try:
        explanation = check_application(application)
    except Exception:  # a broken rule must never lose the submission: the case simply goes to a person
        log.exception("auto-approval check failed for %s", application.application_no)
        return application
    if explanation is None:
        return application
    if explanation.result != "true":
        failed = "、".join(c["description"] for c in explanation.as_dict()["conditions"] if c["status"] != "passed")
        record_note(application, "auto_check", f"秒批条件未全部满足，转人工办理：{failed}")
        return Application.objects.get(pk=application.pk)
    try:
        with transaction.atomic():
            for action in ("accept", "approve", "complete"):
                application = act(application, action, actor=None, note="秒批：全部条件满足", system=True)
    except DomainError as exc:  # e.g. the result certificate could not be issued: a person takes over
        record_note(application, "auto_check", f"秒批未能完成（{exc.message}），转人工办理")
    return Application.objects.get(pk=application.pk)
