"""Reads of the enterprise graph for officials' pages: a firm's neighbourhood, groups under common control and
addresses with many firms. Persons are shown masked (脱敏): the family name only, as on public notices."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.registries.masking import mask_name
from yiwang.registries.models import LegalEntity
from yiwang.risk.engine import normalize_address
from yiwang.risk.models import ClassificationRun, EntityRole, RiskScore

MAX_NEIGHBOURS = 60


def _roles_of(entity_ids: set[int]) -> list[tuple[int, int | None, int | None, str, str]]:
    """(firm, person, investing firm, role label, person name) for the firms' recorded roles and representatives."""
    out: list[tuple[int, int | None, int | None, str, str]] = []
    for pk, rep_id, rep_name in LegalEntity.objects.filter(pk__in=entity_ids).values_list(
        "pk", "legal_representative_id", "legal_representative__name"
    ):
        out.append((pk, rep_id, None, str(EntityRole.Role.LEGAL_REPRESENTATIVE.label), rep_name))
    roles = EntityRole.objects.filter(entity_id__in=entity_ids).exclude(role=EntityRole.Role.LEGAL_REPRESENTATIVE)
    for row in roles.values_list("entity_id", "person_id", "holder_entity_id", "role", "person__name"):
        out.append((row[0], row[1], row[2], str(EntityRole.Role(row[3]).label), row[4] or ""))
    return out


def neighbourhood(entity: LegalEntity) -> dict[str, Any]:
    """Nodes and links of the firm's one- and two-step neighbourhood (an ECharts graph series), with a table."""
    roles = _roles_of({entity.pk})
    person_ids = {p for _e, p, _h, _r, _n in roles if p is not None}
    investor_ids = {h for _e, _p, h, _r, _n in roles if h is not None}
    linked: set[int] = set(investor_ids)
    linked |= set(LegalEntity.objects.filter(legal_representative_id__in=person_ids).values_list("pk", flat=True))
    linked |= set(EntityRole.objects.filter(person_id__in=person_ids).values_list("entity_id", flat=True))
    linked |= set(EntityRole.objects.filter(holder_entity=entity).values_list("entity_id", flat=True))
    key = normalize_address(entity.address)
    same_address = [
        e
        for e in LegalEntity.objects.filter(division_id=entity.division_id).only("pk", "address")
        if normalize_address(e.address) == key and e.pk != entity.pk
    ]
    linked |= {e.pk for e in same_address}
    linked.discard(entity.pk)
    linked_ids = sorted(linked)[:MAX_NEIGHBOURS]
    firms = LegalEntity.objects.in_bulk([entity.pk, *linked_ids])
    classes = dict(
        RiskScore.objects.filter(
            entity_id__in=firms, run=ClassificationRun.objects.order_by("-month").first()
        ).values_list("entity_id", "risk_class")
    )
    all_roles = _roles_of(set(firms))
    nodes: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []

    def firm_node(pk: int) -> str:
        firm = firms[pk]
        nid = f"e{pk}"
        nodes.setdefault(
            nid,
            {
                "id": nid,
                "name": firm.name,
                "category": 0 if pk == entity.pk else 1,
                "value": classes.get(pk, ""),
                "uscc": firm.uscc,
                "status": firm.get_status_display(),
                "symbolSize": 46 if pk == entity.pk else 30,
            },
        )
        return nid

    for firm_pk, person_pk, holder_pk, label, name in all_roles:
        if person_pk is not None and (person_pk in person_ids or firm_pk == entity.pk):
            pid = f"p{person_pk}"
            nodes.setdefault(pid, {"id": pid, "name": mask_name(name), "category": 2, "symbolSize": 22})
            links.append({"source": pid, "target": firm_node(firm_pk), "label": label})
        elif holder_pk is not None and holder_pk in firms and firm_pk in firms:
            links.append({"source": firm_node(holder_pk), "target": firm_node(firm_pk), "label": _("投资")})
    if same_address:
        aid = "a0"
        nodes[aid] = {"id": aid, "name": entity.address, "category": 3, "symbolSize": 26}
        links.append({"source": firm_node(entity.pk), "target": aid, "label": _("住所")})
        for e in same_address:
            if e.pk in firms:
                links.append({"source": firm_node(e.pk), "target": aid, "label": _("住所")})
    firm_node(entity.pk)
    firms_of: dict[int, set[int]] = defaultdict(set)
    for firm_pk, person_pk, _h, _label, _name in all_roles:
        if person_pk is not None:
            firms_of[person_pk].add(firm_pk)
    persons = [
        {"name": mask_name(name), "role": label, "firms": len(firms_of[person_pk])}
        for firm_pk, person_pk, _h, label, name in roles
        if person_pk is not None
    ]
    table = [{"firm": firms[pk], "risk_class": classes.get(pk, "")} for pk in linked_ids if pk in firms]
    return {
        "nodes": list(nodes.values()),
        "links": links,
        "categories": [{"name": _("本企业")}, {"name": _("关联企业")}, {"name": _("人员")}, {"name": _("住所")}],
        "table": table,
        "persons": persons,
        "same_address": len(same_address),
    }


@dataclass
class Group:
    group_id: int
    size: int
    classes: dict[str, int]
    head: LegalEntity | None


def groups(
    run: ClassificationRun | None, scores: QuerySet[RiskScore], *, min_size: int = 3, limit: int = 50
) -> list[Group]:
    """Groups under common control (connected by shared persons and investments) of the run, largest first."""
    if run is None:
        return []
    rows = (
        scores.filter(run=run)
        .values("group_id")
        .annotate(size=Count("pk"), d=Count("pk", filter=Q(risk_class="D")), c=Count("pk", filter=Q(risk_class="C")))
        .filter(size__gte=min_size)
        .order_by("-size", "group_id")[:limit]
    )
    heads = LegalEntity.objects.in_bulk([r["group_id"] for r in rows])
    return [Group(r["group_id"], r["size"], {"C": r["c"], "D": r["d"]}, heads.get(r["group_id"])) for r in rows]


@dataclass
class AddressCluster:
    address: str
    firms: list[LegalEntity]


def address_clusters(entities: QuerySet[LegalEntity], *, min_firms: int = 5, limit: int = 50) -> list[AddressCluster]:
    """Normalised registered addresses shared by at least ``min_firms`` active firms (集中登记地)."""
    by_key: dict[str, list[LegalEntity]] = defaultdict(list)
    active = entities.select_related(None).filter(status=LegalEntity.Status.ACTIVE)
    for e in active.only("pk", "uscc", "name", "address").order_by("pk"):
        by_key[normalize_address(e.address)].append(e)
    clusters = [AddressCluster(firms[0].address, firms) for firms in by_key.values() if len(firms) >= min_firms]
    clusters.sort(key=lambda c: (-len(c.firms), c.address))
    return clusters[:limit]
