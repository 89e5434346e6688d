"""The demo city's one-thing bundles, built from the demo catalogue's items (``catalog.demo``); idempotent."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from yiwang.bundles.merging import merge_forms
from yiwang.bundles.models import Bundle, BundleItem
from yiwang.bundles.services import bundle_items, ordered_items
from yiwang.catalog.models import ItemStatus, ServiceItem

#: (item name, names of its prerequisites in the same bundle)
DEMO_BUNDLES: list[dict[str, Any]] = [
    {
        "code": "start-business",
        "name": "开办企业一件事",
        "life_event": "business_start",
        "description": "企业设立登记、公章刻制备案、单位参保登记、住房公积金单位缴存登记、新办纳税人涉税事项一次申请："
        "市场监管、公安、人力社保、公积金四个部门同时收到并办理，取得营业执照后自动办理涉税事项，全部办结后一并告知结果。",
        "items": [
            ("企业设立登记", []),
            ("公章刻制备案", []),
            ("单位参保登记", []),
            ("住房公积金单位缴存登记", []),
            ("新办纳税人涉税事项", ["企业设立登记"]),
        ],
    },
    {
        "code": "birth",
        "name": "出生一件事",
        "life_event": "birth",
        "description": "出生医学证明、生育登记、新生儿落户一次申请；出生医学证明签发后自动办理落户。",
        "items": [
            ("出生医学证明签发", []),
            ("生育登记", []),
            ("出生登记（新生儿落户）", ["出生医学证明签发"]),
        ],
    },
    {
        "code": "retirement",
        "name": "退休一件事",
        "life_event": "retirement",
        "description": "养老保险关系转移接续与退休（基本养老金申领）一次申请；关系转入后自动办理退休。",
        "items": [
            ("企业职工基本养老保险关系转移接续", []),
            ("职工正常退休（基本养老金申领）", ["企业职工基本养老保险关系转移接续"]),
        ],
    },
    {
        "code": "move-household",
        "name": "迁户落户一件事",
        "life_event": "residence",
        "description": "户口迁移（市内迁入）与居民身份证换领一次申请；户口迁入后自动换领身份证，无需再交户口簿。",
        "items": [
            ("户口迁移（市内迁入）", []),
            ("居民身份证申领、换领", ["户口迁移（市内迁入）"]),
        ],
    },
]


def _pick(city_code: str) -> dict[str, ServiceItem]:
    """Item name → the published demo item of the first district that has it (else the city's)."""
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, division__code__startswith=city_code[:4])
    chosen: dict[str, ServiceItem] = {}
    for item in items.order_by("division__code"):
        if item.division_id == city_code and item.name in chosen:
            continue
        if item.name not in chosen or chosen[item.name].division_id == city_code:
            chosen[item.name] = item
    return chosen


@transaction.atomic
def ensure_demo_bundles(city_code: str = "330100") -> list[Bundle]:
    """Create or update the demo bundles (run after ``catalog.demo.ensure_demo_catalog``); returns them."""
    by_name = _pick(city_code)
    bundles = []
    for spec in DEMO_BUNDLES:
        available = [(name, deps) for name, deps in spec["items"] if name in by_name]
        if len(available) < 2:
            continue
        bundle, _created = Bundle.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "life_event": spec["life_event"],
                "description": spec["description"],
                "status": Bundle.Status.PUBLISHED,
            },
        )
        placed: dict[str, BundleItem] = {}
        for position, (name, _deps) in enumerate(available, start=1):
            placed[name], _new = BundleItem.objects.update_or_create(
                bundle=bundle, item=by_name[name], defaults={"position": position}
            )
        for name, deps in available:
            placed[name].depends_on.set([placed[d] for d in deps if d in placed])
        merge_forms(ordered_items(bundle_items(bundle)))  # a demo bundle must be valid
        bundles.append(bundle)
    return bundles
