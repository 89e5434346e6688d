"""秒批: the facts an item's auto-approval rules may use, and loading those rules (shared rule language).

Facts are the applicant's registry data elements (``person_birth_date``, ``entity_headcount``,
``credit_risk_class`` …, each with its element as source) and the application's own form fields
(``form_<name>``). Rules are authored in YAML as in ``yiwang.rules`` (``{id, title, rules: <condition>}``), each
condition citing its clause; they are checked when the item is published.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from yiwang.catalog.models import ServiceItem
from yiwang.core.identifiers import is_valid_id_number
from yiwang.registries.credit import current_rating
from yiwang.registries.elements import element_value
from yiwang.registries.models import DataElement, LegalEntity, Person
from yiwang.rules import FactSchema, RuleSet, load_rule_set

_ELEMENT_TYPES = {
    "string": "category",
    "code": "category",
    "integer": "int",
    "decimal": "decimal",
    "date": "date",
    "boolean": "bool",
    "tags": "tags",
}


def _form_type(spec: dict[str, Any]) -> str:
    if spec.get("type") == "integer":
        return "int"
    if spec.get("type") == "number":
        return "decimal"
    if spec.get("type") == "boolean":
        return "bool"
    return "date" if spec.get("format") == "date" else "category"


def element_fact(code: str) -> str:
    return code.replace(".", "_")


_REGISTRIES = {"person": ["person"], "enterprise": ["entity", "credit"], "both": ["person", "entity", "credit"]}


def application_fact_schema(item: ServiceItem, elements: list[DataElement] | None = None) -> FactSchema:
    """The facts available to ``item``'s rules: registry elements for its audience, plus its form fields."""
    if elements is None:
        elements = list(DataElement.objects.filter(registry__in=_REGISTRIES[item.audience]).order_by("code"))
    facts: dict[str, dict[str, Any]] = {}
    for element in elements:
        facts[element_fact(element.code)] = {
            "type": _ELEMENT_TYPES[element.data_type],
            "label": element.name,
            "source": element.code,
            "unit": element.unit,
        }
    for name, spec in (item.form_schema.get("properties") or {}).items():
        fact: dict[str, Any] = {
            "type": _form_type(spec),
            "label": str(spec.get("title", name)),
            "source": f"form.{name}",
        }
        if "enum" in spec and fact["type"] == "category":
            fact["codes"] = [str(v) for v in spec["enum"]]
        facts[f"form_{name}"] = fact
    return FactSchema.from_dict(facts)


def applicant_facts(
    applicant_id: str,
    form_data: dict[str, Any],
    *,
    person: Person | None = None,
    elements: list[DataElement] | None = None,
) -> dict[str, Any]:
    """The facts of one application: the applicant's registry elements and the form's fields (``form_<name>``).

    Used by the 秒批 check of a submission and by the rule editor's preview of a draft (nothing saved). ``person``
    is the applicant's record when the caller has read it already; ``elements`` the elements to read (default: all
    of the applicant's registries).
    """
    facts: dict[str, Any] = {f"form_{k}": v for k, v in form_data.items()}
    records: dict[str, Any]
    if is_valid_id_number(applicant_id):
        found = person if person is not None else Person.objects.with_id_number(applicant_id).first()
        records = {"person": found}
    else:
        entity = LegalEntity.objects.filter(uscc=applicant_id).first()
        rating = current_rating(entity) if entity else None
        records = {"entity": entity, "credit": {"risk_class": rating.risk_class} if rating else None}
    if elements is None:
        elements = list(DataElement.objects.filter(registry__in=list(records)))
    for element in elements:
        if element.registry not in records:
            continue
        record = records[element.registry]
        if record is None:
            continue
        value = element_value(record, element.field_name)
        if value not in (None, ""):
            facts[element_fact(element.code)] = value
    return facts


def load_approval_rules(item: ServiceItem) -> RuleSet | None:
    """The item's auto-approval rules, or None when it has none; raises ``rules.RuleError`` listing problems."""
    if not item.approval_rules.strip():
        return None
    return load_rule_set(item.approval_rules, application_fact_schema(item))


@dataclass(frozen=True)
class ApprovalPlan:
    """An item's 秒批 rules compiled against its facts, with the data elements they read: built once per version."""

    rules: RuleSet | None
    schema: FactSchema
    elements: list[DataElement]


#: How long a compiled plan is trusted without a look at the database (data elements change without the item).
PLAN_MAX_AGE_SECONDS = 300.0
_plans: dict[tuple[Any, ...], tuple[float, ApprovalPlan]] = {}
_plans_lock = threading.Lock()


def _plan_key(item: ServiceItem) -> tuple[Any, ...]:
    text = json.dumps([item.approval_rules, item.form_schema, item.audience], sort_keys=True, default=str)
    return (item.pk, item.version, item.updated_at, hashlib.sha256(text.encode()).hexdigest())


def approval_plan(item: ServiceItem) -> ApprovalPlan:
    """The item's compiled rules, fact schema and elements, cached per item version and content (a republished or
    edited item gets a new plan; a plan is rebuilt at least every ``PLAN_MAX_AGE_SECONDS``). Raises
    ``rules.RuleError`` like :func:`load_approval_rules`."""
    key = _plan_key(item)
    now = time.monotonic()
    cached = _plans.get(key)
    if cached is not None and now - cached[0] < PLAN_MAX_AGE_SECONDS:
        return cached[1]
    elements = list(DataElement.objects.filter(registry__in=_REGISTRIES[item.audience]).order_by("code"))
    schema = application_fact_schema(item, elements)
    rules = load_rule_set(item.approval_rules, schema) if item.approval_rules.strip() else None
    plan = ApprovalPlan(rules, schema, elements)
    with _plans_lock:
        if len(_plans) > 1000:
            _plans.clear()
        _plans[key] = (now, plan)
    return plan
