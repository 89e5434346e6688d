"""Builders of a small organisation tree: a district, two townships, villages with liaisons, grids."""

from __future__ import annotations

from dataclasses import dataclass, field

from yiwang.accounts.models import Division, User
from yiwang.collaboration.models import OrgUnit
from yiwang.collaboration.services import sync_division_units

PASSWORD = "Correct-Horse-9"


def liaison(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, kind=User.Kind.OFFICIAL, full_name=username)


@dataclass
class Tree:
    district: OrgUnit
    townships: list[OrgUnit]
    villages: list[OrgUnit] = field(default_factory=list)
    grids: list[OrgUnit] = field(default_factory=list)


def build_tree(district: Division, *, villages_per_township: int = 3, with_liaisons: bool = True) -> Tree:
    """Units for ``district`` and a second township, villages (each with a liaison) and one grid per village."""
    if not Division.objects.filter(parent=district, level=4).exclude(code=f"{district.code}002").exists():
        Division.objects.create(code=f"{district.code}001", name="第一街道", level=4, parent=district)
    Division.objects.get_or_create(
        code=f"{district.code}002", defaults={"name": "第二街道", "level": 4, "parent": district}
    )
    sync_division_units(district.code)
    tree = Tree(
        district=OrgUnit.objects.get(code=district.code),
        townships=list(OrgUnit.objects.filter(parent__code=district.code).order_by("code")),
    )
    for township in tree.townships:
        township.liaison = liaison(f"liaison-{township.code}")
        township.save()
        for n in range(1, villages_per_township + 1):
            code = f"{township.code}{n:03d}"
            village = OrgUnit.objects.create(
                code=code,
                name=f"{township.name}第{n}村",
                level=5,
                kind=OrgUnit.Kind.VILLAGE,
                parent=township,
                division_id=township.division_id,
                path=f"{township.path}{code}/",
                liaison=liaison(f"liaison-{code}") if with_liaisons else None,
            )
            tree.villages.append(village)
            grid_code = f"{code}-G1"
            tree.grids.append(
                OrgUnit.objects.create(
                    code=grid_code,
                    name=f"{village.name}一网格",
                    level=5,
                    kind=OrgUnit.Kind.GRID,
                    parent=village,
                    division_id=township.division_id,
                    path=f"{village.path}{grid_code}/",
                )
            )
    return tree
