"""The organisation tree: units mirrored from the divisions, and villages, communities and grids imported."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Division, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.collaboration.models import OrgUnit
from yiwang.core.audit import record
from yiwang.core.errors import ValidationFailed

__all__ = ["import_units", "sync_division_units"]

BATCH_SIZE = 5000


def sync_division_units(prefix: str) -> int:
    """Create the units of every division whose code starts with ``prefix`` and of their ancestors (idempotent).

    Returns the number of units created. A unit of a division keeps the division's code as its own.
    """
    wanted = list(Division.objects.filter(code__startswith=prefix).order_by("level", "code"))
    ancestors: dict[str, Division] = {}
    for division in wanted[:1]:
        node = division.parent
        while node is not None:
            ancestors[node.code] = node
            node = node.parent
    divisions = sorted([*ancestors.values(), *wanted], key=lambda d: (d.level, d.code))
    existing = dict(OrgUnit.objects.filter(code__in=[d.code for d in divisions]).values_list("code", "path"))
    created = 0
    with transaction.atomic():
        batch: list[OrgUnit] = []
        for level in sorted({d.level for d in divisions}):
            if batch:
                OrgUnit.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                batch = []
            ids = dict(
                OrgUnit.objects.filter(
                    code__in=[d.parent_id for d in divisions if d.level == level and d.parent_id]
                ).values_list("code", "pk")
            )
            for division in (d for d in divisions if d.level == level):
                if division.code in existing:
                    continue
                parent_path = existing.get(division.parent_id or "", "")
                path = f"{parent_path}{division.code}/"
                existing[division.code] = path
                batch.append(
                    OrgUnit(
                        code=division.code,
                        name=division.name,
                        level=division.level,
                        kind=OrgUnit.Kind.DIVISION,
                        parent_id=ids.get(division.parent_id or ""),
                        division=division,
                        path=path,
                    )
                )
                created += 1
        OrgUnit.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    return created


def import_units(rows: Iterable[Mapping[str, Any]], *, actor: User) -> int:
    """Import villages, communities and grid groups under townships (``code, name, kind, parent, liaison?``).

    A row's ``parent`` is a township's unit code (a village or community) or a village's (a grid). Existing codes
    get the row's name and liaison. One transaction; any bad row refuses the whole import, naming it.
    """
    rows = list(rows)
    kinds = {OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.GRID}
    with transaction.atomic():
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=[str(r.get("parent", "")) for r in rows])}
        liaisons = {
            u.username: u for u in User.objects.filter(username__in=[r["liaison"] for r in rows if r.get("liaison")])
        }
        written = 0
        for number, row in enumerate(rows, start=1):
            code, kind = str(row.get("code", "")).strip(), str(row.get("kind", ""))
            parent = units.get(str(row.get("parent", "")))
            if not code or not row.get("name") or kind not in kinds:
                raise ValidationFailed(
                    _("第 %(n)d 行：编码、名称和类型（村、社区、网格）必填") % {"n": number}, field="rows"
                )
            wanted_parent_level = OrgUnit.Level.VILLAGE if kind == OrgUnit.Kind.GRID else OrgUnit.Level.TOWNSHIP
            if parent is None or parent.level != wanted_parent_level:
                raise ValidationFailed(
                    _("第 %(n)d 行：上级单位 %(parent)s 不存在或层级不符（村、社区属乡镇街道，网格属村社区）")
                    % {"n": number, "parent": row.get("parent", "")},
                    field="parent",
                )
            require_acts_for(actor, None, division=parent.division_id, message=_("只能维护本辖区的村社区和网格"))
            liaison = liaisons.get(str(row.get("liaison", "")))
            unit, _created = OrgUnit.objects.update_or_create(
                code=code,
                defaults={
                    "name": str(row["name"]),
                    "level": OrgUnit.Level.VILLAGE,
                    "kind": kind,
                    "parent": parent,
                    "division_id": parent.division_id,
                    "path": f"{parent.path}{code}/",
                    "liaison": liaison,
                },
            )
            units[code] = unit
            written += 1
        record("collaboration.units.import", actor=actor, object_type="collaboration.orgunit", data={"rows": written})
    return written
