"""Colour rule versions and the recomputation of every item's colour, with its reason and its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connections, router, transaction
from django.db.models import Count, JSONField, Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core.audit import record
from yiwang.core.bulk import db_value, insert_rows
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.rules import RuleError
from yiwang.supervision.colours import FACTS, evaluate_colours, load_colour_rules
from yiwang.supervision.models import ColourRecord, ColourRuleSet, CurrentColour, Item, Milestone, MonthlyReport

__all__ = [
    "RecomputeReport",
    "describe_reason",
    "item_facts",
    "publish_colour_rules",
    "recompute_colours",
    "rules_in_force",
]


def rules_in_force() -> ColourRuleSet:
    rule_set = ColourRuleSet.objects.filter(in_force=True).first()
    if rule_set is None:
        raise Conflict(_("尚未发布三色规则"), field="rules")
    return rule_set


def publish_colour_rules(*, actor: User | None, rules: str, note: str, as_of: dt.date | None = None) -> ColourRuleSet:
    """A new version of the colour rules comes into force and every colour is recomputed under it (history kept).

    Bad rules are refused with every problem and its path; nothing changes.
    """
    if actor is not None:
        require_acts_for(actor, None, message=_("只有督查部门工作人员可以修订三色规则"), field="rules")
    try:
        load_colour_rules(rules)
    except RuleError as exc:
        problems = "；".join(f"{p.path}: {p.message}" for p in exc.problems)
        raise ValidationFailed(_("三色规则有误：%(problems)s") % {"problems": problems}, field="rules") from exc
    if not note.strip():
        raise ValidationFailed(_("请填写修订说明"), field="note")
    with transaction.atomic():
        latest = ColourRuleSet.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        ColourRuleSet.objects.filter(in_force=True).update(in_force=False)
        rule_set = ColourRuleSet.objects.create(
            version=latest + 1, rules=rules, note=note.strip(), created_by=actor, in_force=True
        )
        record("supervision.colour_rules.publish", actor=actor, obj=rule_set, data={"version": rule_set.version})
        recompute_colours(as_of=as_of)
    return rule_set


@dataclass
class Facts:
    """The fact columns of items ``ids`` (aligned), ready for the rule engine, and per-item values to cite."""

    ids: list[int]
    columns: dict[str, Any]
    _lists: dict[str, list[Any]] | None = None

    def values(self, row: int) -> dict[str, Any]:
        """The facts of one item as plain numbers (``None`` when missing), as cited in its reason."""
        if self._lists is None:
            self._lists = {name: _plain(name, column) for name, column in self.columns.items()}
        return {name: values[row] for name, values in self._lists.items()}


def _plain(name: str, column: Any) -> list[Any]:
    if FACTS[name].type.value == "decimal":
        rounded = np.round(np.asarray(column, dtype=float), 1)
        return [None if v != v else v for v in rounded.tolist()]  # NaN is missing
    if isinstance(column, np.ma.MaskedArray):
        return list(np.ma.filled(column.astype(object), None).tolist())
    return np.asarray(column).tolist()


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return max(0, (later.year - earlier.year) * 12 + later.month - earlier.month)


def item_facts(as_of: dt.date, item_ids: Iterable[int] | None = None) -> Facts:
    """Facts of every item (or of ``item_ids``) on ``as_of``, from its latest report up to that month."""
    items = Item.objects.filter(starts_on__lte=as_of)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    rows = list(items.order_by("pk").values_list("pk", "starts_on"))
    ids = [pk for pk, _start in rows]
    index = {pk: i for i, pk in enumerate(ids)}
    n = len(ids)
    nan = np.full(n, np.nan)
    progress_gap, investment_ratio, actual_progress, registry_gap = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    warning = np.ma.masked_array(np.zeros(n, np.int64), mask=np.ones(n, bool))
    photos = np.ma.masked_array(np.zeros(n, np.int64), mask=np.ones(n, bool))
    silent = np.array([_months_between(start, as_of) + 1 for _pk, start in rows], np.int64)
    reports = MonthlyReport.objects.filter(month__lte=as_of)
    if item_ids is not None:
        reports = reports.filter(item_id__in=ids)
    fields = ("item_id", "month", "planned_investment", "actual_investment", "planned_progress", "actual_progress")
    seen: set[int] = set()
    for item_id, month, plan, actual, p_plan, p_actual, pics, signals, registry in reports.order_by(
        "item_id", "-month"
    ).values_list(*fields, "photos", "warning_signals", "registry_investment"):
        if item_id in seen or item_id not in index:
            continue
        seen.add(item_id)
        i = index[item_id]
        progress_gap[i] = float(p_plan - p_actual)
        actual_progress[i] = float(p_actual)
        if plan > 0:
            investment_ratio[i] = float(actual * 100 / plan)
        if registry is not None and registry > 0:
            registry_gap[i] = float((actual - registry) * 100 / registry)
        warning[i], photos[i] = signals, pics
        silent[i] = _months_between(month, as_of)
    overdue = np.zeros(n, np.int64)
    milestones = Milestone.objects.filter(due_on__lt=as_of, done_on__isnull=True)
    if item_ids is not None:
        milestones = milestones.filter(item_id__in=ids)
    for item_id, count in milestones.values("item_id").annotate(n=Count("pk")).values_list("item_id", "n"):
        if item_id in index:
            overdue[index[item_id]] = count
    columns = {
        "progress_gap": progress_gap,
        "investment_ratio": investment_ratio,
        "overdue_milestones": overdue,
        "warning_signals": warning,
        "months_without_report": silent,
        "actual_progress": actual_progress,
        "photos": photos,
        "registry_gap": registry_gap,
    }
    return Facts(ids, columns)


def _reason(
    rule_set: ColourRuleSet, colour: str, held: list[str], values: dict[str, Any], as_of: str
) -> dict[str, Any]:
    """What a colour is stored with: the rule version, the colour's rule, the conditions that held, the values
    of every fact and the date. :func:`describe_reason` expands it with the labels and clauses of that version."""
    return {"rule_set": rule_set.version, "rule": colour, "held": held, "values": values, "as_of": as_of}


def describe_reason(record: ColourRecord) -> dict[str, Any]:
    """A stored reason with each condition that held: its label, test, threshold, the item's value, its clause."""
    reason = dict(record.reason)
    rules = load_colour_rules(record.rule_set.rules)
    conditions = []
    for leaf_id in reason.get("held", []):
        _owner, leaf = rules.leaves[f"{reason['rule']}.{leaf_id}"]
        conditions.append(
            {
                "id": leaf.id,
                "fact": leaf.fact,
                "label": FACTS[leaf.fact].label,
                "op": leaf.op,
                "value": float(leaf.value) if isinstance(leaf.value, Decimal) else leaf.value,
                "actual": reason.get("values", {}).get(leaf.fact),
                "clause": leaf.clause,
            }
        )
    colour_rule = rules.colours.get(reason.get("rule", ""))
    reason["title"] = colour_rule.title if colour_rule is not None else gettext("绿码（按计划推进）")
    reason["conditions"] = conditions
    return reason


@dataclass
class RecomputeReport:
    items: int = 0
    changed: int = 0
    counts: dict[str, int] | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "changed": self.changed, "counts": self.counts or {}, "seconds": self.seconds}


def recompute_colours(*, as_of: dt.date | None = None, item_ids: Iterable[int] | None = None) -> RecomputeReport:
    """Recompute the colour of every item (or of ``item_ids``) under the rules in force, in one transaction.

    An item whose colour, rule version or reasons changed gets a new :class:`ColourRecord` (the history); the
    current colours are replaced. One ledger entry per run.
    """
    started = timezone.now()
    clock = dt.datetime.now()
    as_of = as_of or timezone.localdate()
    rule_set = rules_in_force()
    rules = load_colour_rules(rule_set.rules)
    facts = item_facts(as_of, item_ids)
    evaluation = evaluate_colours(rules, facts.columns, len(facts.ids), as_of)
    with transaction.atomic():
        scope = CurrentColour.objects.all() if item_ids is None else CurrentColour.objects.filter(item_id__in=facts.ids)
        current = dict(scope.values_list("item_id", "signature"))
        changed: list[int] = []
        signatures: dict[int, str] = {}
        new_rows = []
        computed_at = db_value(ColourRecord, "computed_at", started)
        day, day_text = db_value(ColourRecord, "as_of", as_of), as_of.isoformat()
        reason_field = ColourRecord._meta.get_field("reason")
        flags_field = CurrentColour._meta.get_field("gaming_flags")
        assert isinstance(reason_field, JSONField) and isinstance(flags_field, JSONField)
        connection = connections[router.db_for_write(ColourRecord)]
        leaf_ids = {pid: leaf.id for pid, (_owner, leaf) in rules.leaves.items()}
        for row, item_id in enumerate(facts.ids):
            colour = evaluation.colour[row]
            held = [leaf_ids[p] for p in evaluation.held[row]]
            signature = f"{rule_set.pk}|{colour}|{','.join(held)}|{','.join(evaluation.flags[row])}"
            if current.get(item_id) == signature:
                continue
            changed.append(row)
            signatures[row] = signature
            reason = _reason(rule_set, colour, held, facts.values(row), day_text)
            new_rows.append(
                (item_id, rule_set.pk, colour, reason_field.get_db_prep_save(reason, connection), day, computed_at)
            )
        insert_rows(ColourRecord, ["item", "rule_set", "colour", "reason", "as_of", "computed_at"], new_rows)
        if changed:
            changed_ids = [facts.ids[r] for r in changed]
            records = dict(ColourRecord.objects.filter(computed_at=started).values_list("item_id", "pk"))
            for start in range(0, len(changed_ids), 5000):
                CurrentColour.objects.filter(item_id__in=changed_ids[start : start + 5000]).delete()
            insert_rows(
                CurrentColour,
                ["item", "record", "colour", "gaming_flags", "signature"],
                (
                    (
                        facts.ids[r],
                        records[facts.ids[r]],
                        evaluation.colour[r],
                        flags_field.get_db_prep_save(evaluation.flags[r], connection),
                        signatures[r],
                    )
                    for r in changed
                ),
            )
        counts = {c: evaluation.colour.count(c) for c in ("green", "yellow", "red")}
        record(
            "supervision.colours.recompute",
            actor_label="system",
            object_type="supervision.colourruleset",
            object_id=str(rule_set.pk),
            data={"as_of": as_of, "items": len(facts.ids), "changed": len(changed), "counts": counts},
        )
    return RecomputeReport(len(facts.ids), len(changed), counts, (dt.datetime.now() - clock).total_seconds())
