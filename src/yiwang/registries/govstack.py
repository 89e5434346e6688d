"""GovStack Digital Registries BB (Data API 1.3.0) adapter over our registries — an adapter, not the core.

Paths follow the specification (``/data/{registryname}/{versionnumber}/...``), mounted under ``/api/v1/govstack``.
Two registries are exposed, version ``1.0``: ``population`` (人口库) and ``legal-entities`` (法人库). The same
rules as everywhere apply: scope, masking (``X-Purpose`` states a purpose to unmask, with the right to),
only the authoritative source writes, every write versioned and audited. Base-registry records are never
deleted: ``delete`` of a legal entity records its deregistration (status 注销) by the market regulator; a person
cannot be deleted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import normalize_identifier
from yiwang.core.keys import index_of
from yiwang.registries.access import PERSON_FIELDS, mask_value, read_person
from yiwang.registries.elements import element_value
from yiwang.registries.importing import ENTITY_COLUMNS
from yiwang.registries.models import LegalEntity, Person
from yiwang.registries.purposes import decode_header
from yiwang.registries.selectors import entities_for, persons_for
from yiwang.registries.services import create_record, update_record

router = Router(tags=["govstack"])
VERSION = "1.0"
REGISTRIES: dict[str, type[Person] | type[LegalEntity]] = {"population": Person, "legal-entities": LegalEntity}
ENTITY_FIELDS = ENTITY_COLUMNS  # the same columns as the bulk import
QUERY_FIELDS = {
    "population": {"id_number", "name", "gender", "birth_date", "division"},
    "legal-entities": {"uscc", "name", "entity_type", "industry", "division", "status", "size"},
}


class GovStackContent(Schema):
    content: dict[str, Any]


class GovStackQueryBody(Schema):
    query: GovStackContent


class GovStackWriteBody(Schema):
    write: GovStackContent
    query: GovStackContent | None = None


def _model(registry: str, version: str) -> type[Person] | type[LegalEntity]:
    if registry not in REGISTRIES or version != VERSION:
        raise NotFound(_("未知的登记簿或版本：%(r)s/%(v)s") % {"r": registry, "v": version}, field="registryname")
    return REGISTRIES[registry]


def _scoped(request: AuthedRequest, registry: str) -> QuerySet[Any]:
    return persons_for(request.user) if registry == "population" else entities_for(request.user)


def _filter(qs: QuerySet[Any], registry: str, query: dict[str, Any]) -> QuerySet[Any]:
    unknown = set(query) - QUERY_FIELDS[registry]
    if unknown:
        raise ValidationFailed(
            _("不支持按以下字段查询：%(fields)s") % {"fields": "、".join(sorted(unknown))}, field="query"
        )
    conditions = Q()
    for name, value in query.items():
        if name == "id_number":
            conditions &= Q(id_number_index=index_of(normalize_identifier(str(value))))
        elif name in {"division", "industry"}:
            conditions &= Q(**{f"{name}_id": value})
        elif name == "uscc":
            conditions &= Q(uscc=normalize_identifier(str(value)))
        else:
            conditions &= Q(**{name: value})
    return qs.filter(conditions)


def _content(request: AuthedRequest, record: Any, purpose: str = "") -> dict[str, Any]:
    if isinstance(record, Person):
        return {"ID": str(record.pk), **read_person(request.user, record, purpose=purpose)}
    out: dict[str, Any] = {"ID": record.uscc}
    for name in ENTITY_FIELDS:
        value = element_value(record, name)  # a coded reference by its code, the representative by name
        if name == "legal_representative":
            out[name] = mask_value("entity", name, value)
        else:
            out[name] = (
                value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)
            )
    return out


def _write_values(model: type[Any], content: dict[str, Any]) -> dict[str, Any]:
    allowed = set(PERSON_FIELDS if model is Person else ENTITY_FIELDS)
    unknown = set(content) - allowed - {"ID"}
    if unknown:
        raise ValidationFailed(_("未知字段：%(fields)s") % {"fields": "、".join(sorted(unknown))}, field="write")
    values = {k: v for k, v in content.items() if k != "ID"}
    if model is LegalEntity and "legal_representative" in values:
        rep = Person.objects.with_id_number(str(values["legal_representative"])).first()
        if rep is None:
            raise ValidationFailed(_("法定代表人不在人口库中"), field="legal_representative")
        values["legal_representative"] = rep.pk
    return values


def _department(request: AuthedRequest) -> Any:
    if request.user.department is None:
        raise PermissionDenied(_("只有部门工作人员可以写入基础库"), field="department")
    return request.user.department


def _purpose(request: HttpRequest) -> str:
    """The declared purpose of ``X-Purpose``, decoded as UTF-8 (percent-encoded, RFC 8187 or raw bytes)."""
    return decode_header(request.headers.get("X-Purpose", ""))


def _reason(request: HttpRequest) -> str:
    return decode_header(request.headers.get("X-Reason", ""), "X-Reason") or _("经 GovStack 接口写入")


@router.get("/data/{registryname}/{versionnumber}")
def list_records(
    request: AuthedRequest, registryname: str, versionnumber: str, search: str = "", page: int = 1, page_size: int = 10
) -> dict[str, Any]:
    _model(registryname, versionnumber)
    page_size = max(1, min(page_size, 100))
    query = {k.removeprefix("query."): v for k, v in request.GET.items() if k.startswith("query.")}
    qs = _filter(_scoped(request, registryname), registryname, query)
    if search:
        qs = qs.filter(name__contains=search)
    total = qs.count()
    start = (max(page, 1) - 1) * page_size
    results = [_content(request, r) for r in qs[start : start + page_size]]
    base = request.path
    return {
        "count": total,
        "next": f"{base}?page={page + 1}&page_size={page_size}" if start + page_size < total else None,
        "previous": f"{base}?page={page - 1}&page_size={page_size}" if page > 1 else None,
        "results": results,
    }


@router.post("/data/{registryname}/{versionnumber}/exists")
def exists(request: AuthedRequest, registryname: str, versionnumber: str, body: GovStackQueryBody) -> dict[str, Any]:
    _model(registryname, versionnumber)
    found = _filter(_scoped(request, registryname), registryname, body.query.content).exists()
    message = _("找到记录") if found else _("未找到记录")
    return {"answer": {"status": found, "message": message}}


@router.post("/data/{registryname}/{versionnumber}/read")
def read(request: AuthedRequest, registryname: str, versionnumber: str, body: GovStackQueryBody) -> dict[str, Any]:
    _model(registryname, versionnumber)
    record = _filter(_scoped(request, registryname), registryname, body.query.content).first()
    if record is None:
        raise NotFound(_("未找到记录"), field="query")
    return {"content": _content(request, record, _purpose(request))}


@router.post("/data/{registryname}/{versionnumber}/create")
def create(request: AuthedRequest, registryname: str, versionnumber: str, body: GovStackWriteBody) -> dict[str, Any]:
    model = _model(registryname, versionnumber)
    record = create_record(
        model,
        _write_values(model, body.write.content),
        department=_department(request),
        actor=request.user,
        reason=_reason(request),
    )
    return {"content": _content(request, record)}


def _update_matches(request: AuthedRequest, registry: str, body: GovStackWriteBody, *, many: bool) -> list[Any]:
    if body.query is None:
        raise ValidationFailed(_("缺少查询条件"), field="query")
    model = _model(registry, VERSION)
    records = list(_filter(_scoped(request, registry), registry, body.query.content)[: 1000 if many else 2])
    if not records:
        raise NotFound(_("未找到记录"), field="query")
    if not many and len(records) > 1:
        raise Conflict(_("查询条件匹配多条记录，请使用 update-entries"), field="query")
    values = _write_values(model, body.write.content)
    for record in records:
        update_record(record, values, department=_department(request), actor=request.user, reason=_reason(request))
    return records


@router.put("/data/{registryname}/{versionnumber}/update")
def update(request: AuthedRequest, registryname: str, versionnumber: str, body: GovStackWriteBody) -> dict[str, Any]:
    _model(registryname, versionnumber)
    (record,) = _update_matches(request, registryname, body, many=False)
    return {"content": _content(request, record)}


@router.put("/data/{registryname}/{versionnumber}/update-entries")
def update_entries(
    request: AuthedRequest, registryname: str, versionnumber: str, body: GovStackWriteBody
) -> dict[str, Any]:
    _model(registryname, versionnumber)
    return {"count": len(_update_matches(request, registryname, body, many=True))}


@router.post("/data/{registryname}/{versionnumber}/update-or-create")
def update_or_create(
    request: AuthedRequest, registryname: str, versionnumber: str, body: GovStackWriteBody
) -> dict[str, Any]:
    model = _model(registryname, versionnumber)
    if body.query is not None and _filter(_scoped(request, registryname), registryname, body.query.content).exists():
        (record,) = _update_matches(request, registryname, body, many=False)
    else:
        record = create_record(
            model,
            _write_values(model, body.write.content),
            department=_department(request),
            actor=request.user,
            reason=_reason(request),
        )
    return {"content": _content(request, record)}


@router.delete("/data/{registryname}/{versionnumber}/{record_id}/delete", response={204: None})
def delete(request: AuthedRequest, registryname: str, versionnumber: str, record_id: str) -> Status:
    _model(registryname, versionnumber)
    if registryname == "population":
        raise Conflict(_("人口库记录不可删除；死亡等情形请由权威来源部门变更相应数据项"), field="ID")
    entity = entities_for(request.user).filter(uscc=normalize_identifier(record_id)).first()
    if entity is None:
        raise NotFound(_("未找到记录"), field="ID")
    update_record(
        entity,
        {"status": LegalEntity.Status.CANCELLED},
        department=_department(request),
        actor=request.user,
        reason=_reason(request),
    )
    return Status(204, None)


@router.get("/data/{registryname}/{versionnumber}/{record_id}/read-value/{field}.{ext}")
def read_value(
    request: AuthedRequest, registryname: str, versionnumber: str, record_id: str, field: str, ext: str
) -> dict[str, Any]:
    _model(registryname, versionnumber)
    if ext != "json":
        raise ValidationFailed(_("仅支持 json 格式"), field="ext")
    record: Person | LegalEntity | None
    if registryname == "population":
        pk = int(record_id) if record_id.isdigit() and len(record_id) < 19 else 0
        record = persons_for(request.user).filter(pk=pk).first()
    else:
        record = entities_for(request.user).filter(uscc=normalize_identifier(record_id)).first()
    if record is None:
        raise NotFound(_("未找到记录"), field="ID")
    content = _content(request, record, _purpose(request))
    if field not in content:
        raise NotFound(_("未知字段：%(fields)s") % {"fields": field}, field="field")
    return {"value": content[field]}
