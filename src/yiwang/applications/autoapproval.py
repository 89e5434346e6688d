"""秒批 (auto-approval), the decision: an item's rules over the application and the applicant's registry data.

This module only decides: facts in, a decision and its explanation out; it writes nothing and knows no service.
``services.auto_approve`` stores the explanation and carries the decision out (accept → approve → complete, issuing
the result), or leaves the case in the officials' inbox with the failed or unknown conditions marked. The
explanation names each condition, the value used, its source element and the clause, and is shown to the applicant
and the official. The platform never refuses on its own: a case the rules cannot approve goes to a person, so
there is no automated refusal to appeal (ARCHITECTURE.md, Automated decisions).
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from yiwang.applications.models import Application
from yiwang.catalog.approval import applicant_facts, approval_plan
from yiwang.catalog.models import ServiceItem
from yiwang.registries.models import Person
from yiwang.rules import explain

__all__ = ["AutoDecision", "application_facts", "decide", "decide_facts", "readable_explanation"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AutoDecision:
    """The outcome of the item's rules: approve at once, or not (with the conditions that did not pass)."""

    approve: bool
    explanation: dict[str, Any]

    @property
    def failed_conditions(self) -> list[str]:
        return [c["description"] for c in self.explanation.get("conditions", []) if c["status"] != "passed"]


def application_facts(application: Application) -> dict[str, Any]:
    """The facts of one application: the applicant's registry elements and the form's fields."""
    return applicant_facts(application.applicant_id, application.form_data)


def decide(application: Application) -> AutoDecision | None:
    """The item's rules over the application's facts (``None`` when the item has no 秒批 rules). Writes nothing."""
    plan = approval_plan(application.item)
    if plan.rules is None:
        return None
    facts = applicant_facts(application.applicant_id, application.form_data, elements=plan.elements)
    explanation = explain(plan.rules, facts, plan.schema, as_of=timezone.localdate())
    return AutoDecision(approve=explanation.result == "true", explanation=explanation.as_dict())


def decide_facts(
    item: ServiceItem, applicant_id: str, form_data: dict[str, Any], *, person: Person | None = None
) -> AutoDecision | None:
    """The decision on a submission about to be stored (``None``: no 秒批 rules, or they could not be checked, in
    which case the case is stored undecided and a repeated key decides it). Reads, writes nothing."""
    if not (item.approval_rules or "").strip():
        return None
    try:
        plan = approval_plan(item)
        if plan.rules is None:
            return None
        facts = applicant_facts(applicant_id, form_data, person=person, elements=plan.elements)
        explanation = explain(plan.rules, facts, plan.schema, as_of=timezone.localdate())
    except Exception:  # a broken rule must never lose the submission: the case simply goes to a person
        log.exception("auto-approval check failed for a submission of item %s", item.pk)
        return None
    return AutoDecision(approve=explanation.result == "true", explanation=explanation.as_dict())


def _relabel(text: str, labels: dict[str, str]) -> str:
    for code in sorted(labels, key=len, reverse=True):  # longest first: "active" before "act"
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])", labels[code], text)
    return text


def readable_explanation(explanation: dict[str, Any] | None) -> dict[str, Any] | None:
    """The stored explanation as a reader sees it: coded values by their labels (登记状态 = 存续, not = active).

    The stored explanation keeps the codes (the evidence as evaluated); only what is shown is relabelled.
    """
    if not explanation:
        return explanation
    from yiwang.registries.elements import code_labels

    shown = copy.deepcopy(explanation)
    for condition in shown.get("conditions", []):
        labels = code_labels(condition.get("source") or "")
        if not labels:
            continue
        label = condition.get("fact_label") or ""
        description = str(condition.get("description") or "")
        head, tail = (
            (label, description[len(label) :]) if label and description.startswith(label) else ("", description)
        )
        condition["description"] = head + _relabel(tail, labels)
        actual = condition.get("actual")
        if isinstance(actual, str):
            condition["actual"] = labels.get(actual, actual)
        elif isinstance(actual, list):
            condition["actual"] = "、".join(labels.get(str(v), str(v)) for v in actual)
    return shown
