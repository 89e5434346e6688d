"""Colour rule versions and the recomputation of every item's colour, with its reason and its history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connections, router, transaction
from django.db.models import JSONField, Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core.audit import record
from yiwang.core.bulk import db_value, insert_rows, upsert_rows
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.rules import RuleError
from yiwang.supervision.colours import FACTS, evaluate_colours, load_colour_rules
from yiwang.supervision.models import ColourRecord, ColourRuleSet, CurrentColour, Item, Milestone, MonthlyReport

#: Up to this many ids, a query filters by them; beyond, every row is read and filtered in memory.
FEW_IDS = 500

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


def _month_index(value: dt.date) -> int:
    """``year * 12 + month - 1``: months as consecutive integers."""
    return value.year * 12 + value.month - 1


def _month_sql(vendor: str, column: str) -> str:
    """:func:`_month_index` of a date column, computed by the database (so the rows carry numbers only)."""
    if vendor == "sqlite":
        return f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%%m', {column}) AS INTEGER) - 1)"
    return f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {column}) AS INTEGER) - 1)"


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connections[router.db_for_read(Item)].cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _ids_clause(column: str, item_ids: list[int] | None) -> tuple[str, list[int]]:
    """``AND column IN (…)`` for a few ids; none for many (the rows are filtered after loading)."""
    if item_ids is None or len(item_ids) > FEW_IDS:
        return "", []
    if not item_ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(item_ids))})", item_ids


def item_facts(as_of: dt.date, item_ids: Iterable[int] | None = None) -> Facts:
    """Facts of every item (or of ``item_ids``) on ``as_of``, from its latest report up to that month.

    Three queries whatever the number of items (the items, each one's latest report, the overdue milestones),
    read as plain numbers (decimals cast to double precision in SQL, no ORM row building), and numpy for the
    rest: 50,000 items in a few tenths of a second.
    """
    wanted = sorted(set(item_ids)) if item_ids is not None else None
    connection = connections[router.db_for_read(Item)]
    q, vendor = connection.ops.quote_name, connection.vendor
    items_t, reports_t, milestones_t = (q(m._meta.db_table) for m in (Item, MonthlyReport, Milestone))
    day = as_of.isoformat()
    clause, extra = _ids_clause("id", wanted)
    # Table names come from the models' metadata, quoted; every value is a parameter.
    sql = f"SELECT id, {_month_sql(vendor, 'starts_on')} FROM {items_t} WHERE starts_on <= %s{clause} ORDER BY id"  # noqa: S608
    rows = np.array(_fetch(sql, [day, *extra]), dtype=np.int64).reshape(-1, 2)
    if wanted is not None and len(wanted) > FEW_IDS:
        rows = rows[np.isin(rows[:, 0], np.asarray(wanted, np.int64))]
    ids = rows[:, 0]
    n = len(ids)
    now = _month_index(as_of)
    silent = np.maximum(now - rows[:, 1] + 1, 1)
    nan = np.full(n, np.nan)
    progress_gap, investment_ratio, actual_progress, registry_gap = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    warning = np.ma.masked_array(np.zeros(n, np.int64), mask=np.ones(n, bool))
    photos = np.ma.masked_array(np.zeros(n, np.int64), mask=np.ones(n, bool))
    as_float = "CAST(r.{0} AS DOUBLE PRECISION)".format
    clause, extra = _ids_clause("r.item_id", wanted)
    latest = _fetch(
        f"SELECT r.item_id, {_month_sql(vendor, 'r.month')}, {as_float('planned_investment')}, "  # noqa: S608
        f"{as_float('actual_investment')}, {as_float('planned_progress')}, {as_float('actual_progress')}, "
        f"r.photos, r.warning_signals, {as_float('registry_investment')} FROM {reports_t} r "
        f"JOIN (SELECT item_id, MAX(month) AS latest FROM {reports_t} WHERE month <= %s GROUP BY item_id) l "
        f"ON l.item_id = r.item_id AND l.latest = r.month WHERE 1 = 1{clause}",
        [day, *extra],
    )
    if latest and n:
        table = np.array(latest, dtype=float)  # one C conversion; a missing registry figure is NaN
        report_ids = table[:, 0].astype(np.int64)
        where = np.searchsorted(ids, report_ids)
        found = (where < n) & (ids[np.minimum(where, n - 1)] == report_ids)
        at, table = where[found], table[found]
        plan, actual, p_plan, p_actual, registry = table[:, 2], table[:, 3], table[:, 4], table[:, 5], table[:, 8]
        progress_gap[at] = np.round(p_plan - p_actual, 1)
        actual_progress[at] = p_actual
        with np.errstate(divide="ignore", invalid="ignore"):
            investment_ratio[at] = np.where(plan > 0, np.round(actual * 100 / plan, 6), np.nan)
            registry_gap[at] = np.where(registry > 0, np.round((actual - registry) * 100 / registry, 6), np.nan)
        warning[at] = table[:, 7].astype(np.int64)
        photos[at] = table[:, 6].astype(np.int64)
        silent[at] = np.maximum(0, now - table[:, 1].astype(np.int64))
    overdue = np.zeros(n, np.int64)
    clause, extra = _ids_clause("item_id", wanted)
    counted = _fetch(
        f"SELECT item_id, COUNT(*) FROM {milestones_t} WHERE due_on < %s AND done_on IS NULL{clause} "  # noqa: S608
        "GROUP BY item_id",
        [day, *extra],
    )
    if counted and n:
        m_ids = np.asarray([r[0] for r in counted], np.int64)
        where = np.searchsorted(ids, m_ids)
        found = (where < n) & (ids[np.minimum(where, n - 1)] == m_ids)
        overdue[where[found]] = np.asarray([r[1] for r in counted], np.int64)[found]
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
    return Facts(ids.tolist(), columns)


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

    An item whose colour, rule version, conditions held or flags changed gets a new :class:`ColourRecord` (the
    history) and its :class:`CurrentColour` is upserted; an unchanged item is not written at all (its signature
    is compared in memory). The facts come in three queries, the colours in one engine pass; one ledger entry
    per run. 50,000 items: about a second when little changed (``benchmarks/supervision_colours.py``).
    """
    started = timezone.now()
    clock = dt.datetime.now()
    as_of = as_of or timezone.localdate()
    rule_set = rules_in_force()
    rules = load_colour_rules(rule_set.rules)
    facts = item_facts(as_of, item_ids)
    evaluation = evaluate_colours(rules, facts.columns, len(facts.ids), as_of)
    leaf_ids = {pid: leaf.id for pid, (_owner, leaf) in rules.leaves.items()}
    held_keys, flag_keys = evaluation.keys(leaf_ids)
    signatures = (f"{rule_set.pk}|" + evaluation.colour + "|" + held_keys + "|" + flag_keys).tolist()
    connection = connections[router.db_for_write(ColourRecord)]
    q = connection.ops.quote_name
    with transaction.atomic(using=connection.alias):
        current_t = q(CurrentColour._meta.db_table)
        clause, extra = _ids_clause("item_id", sorted(facts.ids) if item_ids is not None else None)
        current = dict(_fetch(f"SELECT item_id, signature FROM {current_t} WHERE 1 = 1{clause}", extra))  # noqa: S608
        get = current.get
        changed = [
            row
            for row, (item_id, signature) in enumerate(zip(facts.ids, signatures, strict=True))
            if get(item_id) != signature
        ]
        if changed:
            _write_changes(
                connection, rule_set, evaluation, facts, changed, signatures, held_keys, flag_keys, started, as_of
            )
        counts = {c: int((evaluation.colour == c).sum()) for c in ("green", "yellow", "red")}
        record(
            "supervision.colours.recompute",
            actor_label="system",
            object_type="supervision.colourruleset",
            object_id=str(rule_set.pk),
            data={"as_of": as_of, "items": len(facts.ids), "changed": len(changed), "counts": counts},
        )
    return RecomputeReport(len(facts.ids), len(changed), counts, (dt.datetime.now() - clock).total_seconds())


def _json_writer(connection: Any, model: type[Any], name: str) -> Any:
    """How a JSON value goes to the driver: plain ``json.dumps`` on SQLite (what Django does there, without the
    per-value field machinery), the field's own preparation elsewhere (PostgreSQL's jsonb adapter)."""
    if connection.vendor == "sqlite":
        return json.dumps  # the default encoder: C-accelerated and cached (any option builds a new one a call)
    field = model._meta.get_field(name)
    assert isinstance(field, JSONField)
    return lambda value: field.get_db_prep_save(value, connection)


def _write_changes(
    connection: Any,
    rule_set: ColourRuleSet,
    evaluation: Any,
    facts: Facts,
    changed: list[int],
    signatures: list[str],
    held_keys: Any,
    flag_keys: Any,
    started: dt.datetime,
    as_of: dt.date,
) -> None:
    """A history row per changed item (one ``executemany``), then its current colour upserted (another)."""
    reason_json = _json_writer(connection, ColourRecord, "reason")
    flags_json = _json_writer(connection, CurrentColour, "gaming_flags")
    computed_at = db_value(ColourRecord, "computed_at", started)
    day, day_text = db_value(ColourRecord, "as_of", as_of), as_of.isoformat()
    ids = facts.ids
    insert_rows(
        ColourRecord,
        ["item", "rule_set", "colour", "reason", "as_of", "computed_at"],
        (
            (
                ids[row],
                rule_set.pk,
                evaluation.colour[row],
                reason_json(
                    _reason(
                        rule_set,
                        evaluation.colour[row],
                        held_keys[row].split(",") if held_keys[row] else [],
                        facts.values(row),
                        day_text,
                    )
                ),
                day,
                computed_at,
            )
            for row in changed
        ),
    )
    q = connection.ops.quote_name
    records = dict(
        _fetch(
            f"SELECT item_id, id FROM {q(ColourRecord._meta.db_table)} WHERE computed_at = %s",  # noqa: S608
            [computed_at],
        )
    )
    flag_texts: dict[str, Any] = {}

    def flags_of(row: int) -> Any:
        key = str(flag_keys[row])
        if key not in flag_texts:
            flag_texts[key] = flags_json(key.split(",") if key else [])
        return flag_texts[key]

    upsert_rows(
        CurrentColour,
        ["item", "record", "colour", "gaming_flags", "signature"],
        (
            (
                ids[row],
                records[ids[row]],
                evaluation.colour[row],
                flags_of(row),
                signatures[row],
            )
            for row in changed
        ),
        conflict=["item"],
    )
