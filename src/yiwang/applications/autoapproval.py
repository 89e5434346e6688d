"""秒批 (auto-approval), the decision: an item's rules over the application and the applicant's registry data.

This module only decides: facts in, a decision and its explanation out; it writes nothing and knows no service.
``services.auto_approve`` stores the explanation and carries the decision out (accept → approve → complete, issuing
the result), or leaves the case in the officials' inbox with the failed or unknown conditions marked. The
explanation names each condition, the value used, its source element and the clause, and is shown to the applicant
and the official. The platform never refuses on its own: a case the rules cannot approve goes to a person, so
there is no automated refusal to appeal (ARCHITECTURE.md, Automated decisions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from yiwang.applications.models import Application
from yiwang.catalog.approval import application_fact_schema, element_fact, load_approval_rules
from yiwang.core.identifiers import is_valid_id_number
from yiwang.registries.credit import current_rating
from yiwang.registries.elements import element_value
from yiwang.registries.models import DataElement, LegalEntity, Person
from yiwang.rules import explain

__all__ = ["AutoDecision", "application_facts", "decide"]


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
    facts: dict[str, Any] = {f"form_{k}": v for k, v in application.form_data.items()}
    if is_valid_id_number(application.applicant_id):
        records: dict[str, Any] = {"person": Person.objects.with_id_number(application.applicant_id).first()}
    else:
        entity = LegalEntity.objects.filter(uscc=application.applicant_id).first()
        rating = current_rating(entity) if entity else None
        records = {"entity": entity, "credit": {"risk_class": rating.risk_class} if rating else None}
    for element in DataElement.objects.filter(registry__in=list(records)):
        record = records[element.registry]
        if record is None:
            continue
        value = element_value(record, element.field_name)
        if value not in (None, ""):
            facts[element_fact(element.code)] = value
    return facts


def decide(application: Application) -> AutoDecision | None:
    """The item's rules over the application's facts (``None`` when the item has no 秒批 rules). Writes nothing."""
    rules = load_approval_rules(application.item)
    if rules is None:
        return None
    schema = application_fact_schema(application.item)
    explanation = explain(rules, application_facts(application), schema, as_of=timezone.localdate())
    return AutoDecision(approve=explanation.result == "true", explanation=explanation.as_dict())
