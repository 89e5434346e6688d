"""Read the registries into the engine's columnar :class:`~yiwang.risk.engine.Snapshot` (one query per source)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.db.models import Count, Q

from yiwang.registries.credit import current_risk_class_expression
from yiwang.registries.models import CreditRecord, LegalEntity, RecordVersion
from yiwang.risk.engine import Snapshot, normalize_address, normalize_phone
from yiwang.risk.models import AnnualReport, EntityRole

#: Holder ids of investing firms, disjoint from person ids in the graph.
FIRM_HOLDER_OFFSET = 10**12


def report_years(as_of: date) -> tuple[int, int]:
    """The last two report years whose deadline (30 June of the next year) has passed on ``as_of``."""
    last = as_of.year - 1 if as_of >= date(as_of.year, 6, 30) else as_of.year - 2
    return last - 1, last


def _codes(values: list[str]) -> np.ndarray:
    """Integer codes of identifiers; an empty one is -1 (no shared node)."""
    index: dict[str, int] = {}
    return np.array([index.setdefault(v, len(index)) if v else -1 for v in values], dtype=np.int64)


def _missed_reports(pks: list[int], founded: list[date], as_of: date) -> np.ndarray:
    """Years of the last two without a filed report, for firms that existed then; masked (unknown) when the
    registry has received no report at all for one of those years (no data is not a missed report)."""
    years = report_years(as_of)
    received = set(AnnualReport.objects.filter(year__in=years).values_list("year", flat=True).distinct())
    filed = set(AnnualReport.objects.filter(year__in=years).values_list("entity_id", "year"))
    missed = np.zeros(len(pks), dtype=np.int64)
    for i, (pk, founding) in enumerate(zip(pks, founded, strict=True)):
        missed[i] = sum(1 for y in years if founding <= date(y, 12, 31) and (pk, y) not in filed)
    if len(received) < len(years):
        return np.ma.masked_array(missed, mask=np.ones(len(pks), dtype=bool))
    return missed


def build_snapshot(as_of: date) -> Snapshot:
    """Every registered firm (active ones are scored; revoked ones weigh on their persons) as of ``as_of``."""
    rows = list(
        LegalEntity.objects.order_by("pk")
        .annotate(prior_class=current_risk_class_expression())
        .values_list(
            "pk",
            "status",
            "registered_capital",
            "tax_paid",
            "social_insurance_headcount",
            "founding_date",
            "address",
            "legal_representative_id",
            "legal_representative__phone",
            "prior_class",
        )
    )
    pks = [r[0] for r in rows]
    position = {pk: i for i, pk in enumerate(pks)}
    three_years = as_of - timedelta(days=3 * 365)
    penalties = dict(
        CreditRecord.objects.filter(kind=CreditRecord.Kind.PENALTY, decided_on__gt=three_years, decided_on__lte=as_of)
        .values("entity_id")
        .annotate(n=Count("pk"))
        .values_list("entity_id", "n")
    )
    black = set(
        CreditRecord.objects.filter(kind=CreditRecord.Kind.BLACK_LIST, decided_on__lte=as_of)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
        .values_list("entity_id", flat=True)
    )
    changed_keys = set()
    for key, changed in RecordVersion.objects.filter(
        registry="entity", valid_from__gt=as_of - timedelta(days=365), valid_from__lte=as_of
    ).values_list("record_key", "changed"):
        if {"legal_representative", "address"} <= set(changed or []):
            changed_keys.add(key)
    changed_pks = set(LegalEntity.objects.filter(uscc__in=changed_keys).values_list("pk", flat=True))

    role_entity, role_holder, role_is_rep = [], [], []
    for i, r in enumerate(rows):
        role_entity.append(i)
        role_holder.append(r[7])
        role_is_rep.append(True)
    roles = EntityRole.objects.filter(valid_from__lte=as_of).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=as_of)
    )
    for entity_id, person_id, holder_entity_id, role in roles.values_list(
        "entity_id", "person_id", "holder_entity_id", "role"
    ):
        if entity_id not in position:
            continue
        role_entity.append(position[entity_id])
        role_holder.append(person_id if person_id is not None else FIRM_HOLDER_OFFSET + holder_entity_id)
        role_is_rep.append(role == EntityRole.Role.LEGAL_REPRESENTATIVE)

    def decimal_array(index: int, missing: float) -> np.ndarray:
        values = [r[index] for r in rows]
        return np.array([float(v) if v is not None else missing for v in values], dtype=np.float64)  # type: ignore[arg-type]

    return Snapshot(
        entity_ids=np.array(pks, dtype=np.int64),
        active=np.array([r[1] == LegalEntity.Status.ACTIVE for r in rows], dtype=bool),
        registered_capital=decimal_array(2, 0.0),
        tax_paid=decimal_array(3, np.nan),
        insured=np.array([r[4] if r[4] is not None else -1 for r in rows], dtype=np.int64),
        founded_days=np.array([(as_of - r[5]).days for r in rows], dtype=np.int64),
        missed_reports_2y=_missed_reports(pks, [r[5] for r in rows], as_of),
        penalties_3y=np.array([penalties.get(pk, 0) for pk in pks], dtype=np.int64),
        black_listed=np.array([pk in black for pk in pks], dtype=bool),
        prior_bad=np.array([r[1] == LegalEntity.Status.REVOKED or r[9] == "D" for r in rows], dtype=bool),
        rep_and_address_changed=np.array([pk in changed_pks for pk in pks], dtype=bool),
        address_key=_codes([normalize_address(r[6]) for r in rows]),
        phone_key=_codes([normalize_phone(r[8] or "") for r in rows]),
        role_entity=np.array(role_entity, dtype=np.int64),
        role_holder=np.array(role_holder, dtype=np.int64),
        role_is_rep=np.array(role_is_rep, dtype=bool),
    )
