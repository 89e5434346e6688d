"""Builders of valid bundles for tests: a bundle of given items, in order, with their prerequisites."""

from __future__ import annotations

from collections.abc import Sequence

from yiwang.bundles.models import Bundle, BundleItem
from yiwang.catalog.models import ServiceItem

__all__ = ["bundle"]


def bundle(
    items: Sequence[ServiceItem],
    *,
    code: str = "test-bundle",
    name: str = "测试一件事",
    life_event: str = "business_start",
    depends: dict[int, Sequence[int]] | None = None,
    published: bool = True,
) -> Bundle:
    """A bundle of ``items`` (positions 1, 2, …); ``depends`` maps an item's index to its prerequisites' indexes."""
    made = Bundle.objects.create(
        code=code, name=name, life_event=life_event, status="published" if published else "draft"
    )
    parts = [BundleItem.objects.create(bundle=made, item=item, position=i) for i, item in enumerate(items, start=1)]
    for index, prerequisites in (depends or {}).items():
        parts[index].depends_on.set([parts[p] for p in prerequisites])
    return made
