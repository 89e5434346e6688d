"""Builders of valid 政务公开 rows, through the services an operator uses."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.tests import factories as accounts
from yiwang.disclosure.models import LivelihoodRound, PolicyDocument
from yiwang.disclosure.services import documents, livelihood
from yiwang.registries.models import Person
from yiwang.registries.tests import factories as registry

_seq = itertools.count(1)

BODY = """第一条 为支持西湖区中小企业发展，制定本办法。
第二条 在西湖区登记注册、年营业收入达到1000万元的企业，给予一次性奖励1万元，免申即享，无需申请。
第三条 新开办的餐饮企业可通过“食品经营许可”事项在网上申请，承诺5个工作日办结。
第四条 本办法自发布之日起施行，有效期三年。"""


def document(issuer: Department, *, number: str | None = None, published: bool = True, **fields: Any) -> PolicyDocument:
    n = next(_seq)
    today = timezone.localdate()
    fields.setdefault("title", f"西湖区促进中小企业发展若干措施{n}")
    fields.setdefault("signed_on", today)
    fields.setdefault("effective_from", today)
    fields.setdefault("body", BODY)
    doc = documents.create_document(
        actor=None, number=number or f"西政办发〔{today.year}〕{n}号", issuer=issuer, **fields
    )
    return documents.publish_document(doc, actor=None) if published else doc


def resident(division: Division, *, birth: dt.date = dt.date(1980, 5, 17), name: str = "居民") -> tuple[User, Person]:
    person = registry.person(division, name=name, birth=birth)
    return accounts.citizen(id_number=person.id_number, full_name=person.name), person


def round_(division: Division, organiser: Department, *, seats: int = 2, **fields: Any) -> LivelihoodRound:
    return livelihood.open_round(
        actor=None,
        year=fields.pop("year", timezone.localdate().year),
        division=division,
        organiser=organiser,
        title=fields.pop("title", f"{division.name}民生实事"),
        seats=seats,
        **fields,
    )
