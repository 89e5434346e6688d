"""Importing bundle designs (一件事) from data: the operator's way to load or update bundles, all or none.

A document is a list of bundles, each ``{code, name, life_event, description, items: [{item_code,
depends_on: [item_code, …]}]}``. Each bundle is created or updated to match, its items placed in the given order,
their prerequisites set, its merged form checked (as when publishing) and published. The bundles span
departments, so only an administrator (or the system, ``actor=None``, e.g. the demo seed) may import.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.bundles.merging import merge_forms
from yiwang.bundles.models import Bundle, BundleItem
from yiwang.bundles.services.design import DESIGNER_ROLES, bundle_items, ordered_items
from yiwang.catalog.models import ServiceItem
from yiwang.core import audit
from yiwang.core.errors import ValidationFailed

__all__ = ["import_bundles"]


@transaction.atomic
def import_bundles(document: list[dict[str, Any]], *, actor: User | None = None) -> list[Bundle]:
    """Create or update every bundle of ``document`` and publish it; returns them. Refuses all on any error."""
    if actor is not None:
        require_acts_for(actor, None, roles=DESIGNER_ROLES, message=_("只有系统管理员可以设计一件事"))
    bundles = []
    for spec in document:
        bundle, _created = Bundle.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "life_event": spec["life_event"],
                "description": spec.get("description", ""),
                "status": Bundle.Status.PUBLISHED,
            },
        )
        codes = [entry["item_code"] for entry in spec["items"]]
        items = {i.item_code: i for i in ServiceItem.objects.filter(item_code__in=codes)}
        unknown = [code for code in codes if code not in items]
        if unknown:
            raise ValidationFailed(
                format_lazy(_("以下事项不存在：{codes}"), codes="、".join(unknown)), field=f"{spec['code']}.items"
            )
        placed: dict[str, BundleItem] = {}
        for position, code in enumerate(codes, start=1):
            placed[code], _new = BundleItem.objects.update_or_create(
                bundle=bundle, item=items[code], defaults={"position": position}
            )
        for entry in spec["items"]:
            placed[entry["item_code"]].depends_on.set([placed[d] for d in entry.get("depends_on", []) if d in placed])
        merge_forms(ordered_items(bundle_items(bundle)))  # a published bundle's forms merge; raises (rolls back)
        audit.record("bundle.import", actor=actor, obj=bundle, data={"code": bundle.code, "items": codes})
        bundles.append(bundle)
    return bundles
