"""Small builders for registry rows with valid identifiers (for tests)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from yiwang.core.identifiers import make_id_number, make_uscc
from yiwang.registries.models import Industry, LegalEntity, Person

_seq = itertools.count(1)


def person(division, *, name: str = "张三", gender: str = "M", birth: date = date(1980, 5, 17)) -> Person:
    n = next(_seq)
    sequence = n * 2 + (1 if gender == "M" else 0)
    return Person.objects.create(
        id_number=make_id_number(division.code[:6], birth, sequence % 1000),
        name=name,
        gender=gender,
        birth_date=birth,
        division=division,
        address=f"{division.name}测试路{n}号",
        phone=f"1380000{n:04d}",
    )


def entity(division, representative: Person, *, name: str = "测试科技有限公司") -> LegalEntity:
    n = next(_seq)
    industry, _ = Industry.objects.get_or_create(code="65", defaults={"name": "软件和信息技术服务业", "section": "I"})
    return LegalEntity.objects.create(
        uscc=make_uscc("9", "1", division.code[:6], f"{n:08d}"),
        name=name,
        entity_type=LegalEntity.EntityType.LIMITED_COMPANY,
        legal_representative=representative,
        registered_capital=Decimal("100.00"),
        industry=industry,
        division=division,
        address=f"{division.name}{n}号",
        founding_date=date(2019, 3, 1),
        size=LegalEntity.Size.SMALL,
        headcount=25,
        annual_revenue=Decimal("800.00"),
    )
