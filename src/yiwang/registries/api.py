"""Registry reads over the API: scoped to the caller, personal data masked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import NotFound
from yiwang.registries.access import mask_value, read_person
from yiwang.registries.models import LegalEntity, Person
from yiwang.registries.selectors import entities_for, persons_for

router = Router(tags=["registries"])


class Pages(LimitOffsetPagination):
    """Limit/offset pages with a bounded offset: a client cannot ask the database for an absurd slice."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000)


class EntityOut(Schema):
    uscc: str
    name: str
    entity_type: str
    division_code: str = Field(alias="division_id")
    industry_code: str = Field(alias="industry_id")
    size: str = Field(description="企业规模；新设立、尚未报送的为空字符串")
    status: str
    founding_date: date
    headcount: int | None = Field(description="从业人数；来源部门尚未报送时为空")
    annual_revenue: Decimal | None = Field(description="年营业收入（万元）；来源部门尚未报送时为空")
    legal_representative_name: str

    @staticmethod
    def resolve_legal_representative_name(obj: LegalEntity) -> str:
        return str(mask_value("entity", "legal_representative", obj.legal_representative.name))


class PersonOut(Schema):
    id_number: str
    name: str
    gender: str
    division_code: str = Field(alias="division_id")

    @staticmethod
    def resolve_id_number(obj: Person) -> str:
        return str(mask_value("person", "id_number", obj.id_number))

    @staticmethod
    def resolve_name(obj: Person) -> str:
        return str(mask_value("person", "name", obj.name))


@router.get("/entities", response=list[EntityOut])
@paginate(Pages)
def list_entities(request: AuthedRequest, q: str = "") -> QuerySet[LegalEntity]:
    return entities_for(request.user, query=q).select_related("legal_representative")


@router.get("/entities/{uscc}", response=EntityOut)
def get_entity(request: AuthedRequest, uscc: str) -> LegalEntity:
    entity = entities_for(request.user).select_related("legal_representative").filter(uscc=uscc.upper()).first()
    if entity is None:  # outside the caller's scope looks exactly like absent
        raise NotFound("未找到该市场主体", field="uscc")
    return entity


@router.get("/persons", response=list[PersonOut])
@paginate(Pages)
def list_persons(request: AuthedRequest, q: str = "") -> QuerySet[Person]:
    return persons_for(request.user, query=q)


class PersonDetailOut(Schema):
    id: int
    masked: bool
    data: dict[str, Any]


@router.get("/persons/{person_id}", response=PersonDetailOut)
def get_person(request: AuthedRequest, person_id: int, purpose: str = "") -> PersonDetailOut:
    """One person's registry data: masked by default; in clear only with a stated purpose and the right to."""
    person = Person.objects.filter(pk=person_id).first() if 0 < person_id < 2**63 else None
    if person is None:
        raise NotFound("未找到该人员", field="person")
    data = read_person(request.user, person, purpose=purpose)
    return PersonDetailOut(id=person.pk, masked=not purpose.strip(), data=data)
