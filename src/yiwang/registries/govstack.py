"""GovStack Digital Registries BB (Data API and Database API 1.3.0) adapter over our registries — an adapter, not
the core.

Paths follow the published specification (``/data/{registryName}/{versionNumber}/...`` with ``updateEntries``,
``updateOrCreate``, ``readValue``, ``createEntries`` and ``/data/mypersonalDataUsage``) and also answer at the older
kebab-case spellings (``update-entries``, ``update-or-create``, ``read-value``, ``/data/MyPersonalDataUsage/1.0``),
mounted under ``/api/v1/govstack``. The Database API lists and reads every registry's schema (``/databases``,
``/database/{id}``) and modifies or deletes the schemas a department defines (``/database/modify``).

Registries: ``population`` (人口库) and ``legal-entities`` (法人库), version ``1.0``, and every registry another app
registers through :func:`register_external` (the thematic databases of ``sharing``, which sits above this app). The
same rules as everywhere apply: scope, masking (``X-Purpose`` states a purpose to unmask, with the right to), only
the authoritative source writes, every write versioned and audited. Base-registry records are never deleted:
``delete`` of a legal entity records its deregistration (status 注销) by the market regulator; a person cannot be
deleted.

GovStack conventions: a request relayed by a configured Information Mediator (security server) names its client
member in the ``Information-Mediator-Client`` header (``INSTANCE/CLASS/MEMBER/SUBSYSTEM``) and, arriving from one
of the mediator's addresses, is authorised as the account configured for that member
(``settings.YIWANG_INFORMATION_MEDIATOR``). Errors are JSON everywhere, shaped as the specification's
``{"detail": ...}`` (with our ``code`` and ``field``); a request without any credential is a 401, never a CSRF
failure; list links keep the query.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyCookie, APIKeyHeader

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import User
from yiwang.accounts.tokens import ApiTokenAuth
from yiwang.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import normalize_identifier
from yiwang.core.keys import index_of
from yiwang.core.models import AuditEntry
from yiwang.registries.access import PERSON_FIELDS, PERSONAL_DATA_READS, mask_value, read_person
from yiwang.registries.elements import element_value
from yiwang.registries.importing import ENTITY_COLUMNS
from yiwang.registries.models import DataElement, LegalEntity, Person
from yiwang.registries.purposes import decode_header
from yiwang.registries.selectors import entities_for, persons_for
from yiwang.registries.services import create_record, update_record

VERSION = "1.0"
MEDIATOR_HEADER = "Information-Mediator-Client"
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


class GovStackWriteListBody(Schema):
    write: list[GovStackContent]


class GovStackDatabaseModifyBody(Schema):
    group_name: str = ""
    catalog_name: str = ""
    code: str
    name: str = ""
    schema_: dict[str, Any] = Field(alias="schema")


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


# --- authentication: the Information Mediator, API tokens, a session -------------------------------------------


def mediator_account(request: HttpRequest) -> User | None:
    """The account a request relayed by a configured Information Mediator is authorised as, or None.

    ``settings.YIWANG_INFORMATION_MEDIATOR = {"addresses": [...], "members": {"INSTANCE/CLASS/MEMBER[/SUBSYSTEM]":
    "username"}}``: the header counts only from one of the mediator's addresses (a client cannot name itself past
    the security server); a member's entry without a subsystem covers all its subsystems.
    """
    client = request.headers.get(MEDIATOR_HEADER, "").strip()
    config = getattr(settings, "YIWANG_INFORMATION_MEDIATOR", None) or {}
    if not client or request.META.get("REMOTE_ADDR", "") not in config.get("addresses", ()):
        return None
    members: dict[str, str] = config.get("members", {})
    parts = client.split("/")
    username = members.get(client) or (members.get("/".join(parts[:3])) if len(parts) == 4 else None)
    if not username:
        return None
    return User.objects.filter(username=username, is_active=True).first()


class InformationMediatorAuth(APIKeyHeader):
    """``Information-Mediator-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM`` from a trusted mediator address."""

    param_name = MEDIATOR_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = mediator_account(request)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in session, CSRF-checked; a request without a session user is simply unauthenticated (401)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


router = Router(tags=["govstack"], auth=[InformationMediatorAuth(), ApiTokenAuth(), SessionAuth()])


def _error(exc: DomainError) -> JsonResponse:
    """A domain error as the specification shapes errors: ``{"detail": ...}`` (with our code and field)."""
    return JsonResponse(
        {"detail": str(exc.message), **exc.as_dict()}, status=exc.status_code, json_dumps_params={"ensure_ascii": False}
    )


def _spec_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return _error(exc)

    return wrapped


def _route(method: str, path: str, *older: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve a view at the specification's path and, outside the OpenAPI document, at its older spellings."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        wrapped = _spec_errors(view)
        router.add_api_operation(path, [method], wrapped, operation_id=f"govstack_{view.__name__}", **options)
        for number, alias in enumerate(older, start=1):
            router.add_api_operation(
                alias, [method], wrapped, operation_id=f"govstack_{view.__name__}_{number}",
                include_in_schema=False, **options,
            )  # fmt: skip
        return view

    return register


# --- registries of other apps (the thematic databases of sharing) ----------------------------------------------


class ExternalRegistry(Protocol):
    """A registry another app serves through this adapter (its schema, records and writes under its own rules)."""

    name: str
    version: str
    database_id: int

    def records(self, user: User, query: dict[str, Any]) -> QuerySet[Any]: ...
    def search(self, records: QuerySet[Any], text: str) -> QuerySet[Any]: ...
    def find(self, user: User, record_id: str) -> Any | None: ...
    def content(self, record: Any) -> dict[str, Any]: ...
    def write(self, user: User, content: dict[str, Any], record: Any | None) -> Any:
        """Update ``record``, or create a record (Conflict when its key exists)."""

    def info(self) -> dict[str, Any]: ...


class ExternalProvider(Protocol):
    """Where the external registries come from; also what the Database API modifies and deletes."""

    def get(self, name: str) -> ExternalRegistry | None: ...
    def by_database_id(self, database_id: int) -> ExternalRegistry | None: ...
    def all(self, user: User) -> list[ExternalRegistry]: ...
    def modify(self, user: User, body: dict[str, Any]) -> ExternalRegistry: ...
    def delete(self, user: User, registry: ExternalRegistry) -> None: ...


_PROVIDERS: list[ExternalProvider] = []


def register_external(provider: ExternalProvider) -> None:
    """Called once by an app above this one (in its ``AppConfig.ready``) to serve its registries here."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _external(name: str, version: str) -> ExternalRegistry | None:
    if name in REGISTRIES:
        return None
    for provider in _PROVIDERS:
        registry = provider.get(name)
        if registry is not None:
            if version != registry.version:
                raise NotFound(_("未知的登记簿或版本：%(r)s/%(v)s") % {"r": name, "v": version}, field="versionNumber")
            return registry
    raise NotFound(_("未知的登记簿或版本：%(r)s/%(v)s") % {"r": name, "v": version}, field="registryName")


def _external_one(request: AuthedRequest, registry: ExternalRegistry, query: dict[str, Any]) -> Any:
    records = list(registry.records(request.user, query)[:2])
    if len(records) > 1:
        raise Conflict(_("查询条件匹配多条记录，请使用 updateEntries"), field="query")
    return records[0] if records else None


# --- MyPersonalDataUsage: who read my data ---------------------------------------------------------------------


def _usage(request: AuthedRequest, user_id: str, database: str) -> list[dict[str, Any]]:
    """Every read and unmasking of the caller's own record, from the audit ledger (only the person or the
    enterprise itself may ask)."""
    key = normalize_identifier(user_id)
    user = request.user
    subject: Person | LegalEntity | None = None
    if database in ("", "population") and user.id_number and normalize_identifier(user.id_number) == key:
        subject = Person.objects.with_id_number(key).first()
    elif database in ("", "legal-entities") and user.enterprise_uscc and user.enterprise_uscc == key:
        subject = LegalEntity.objects.filter(uscc=key).first()
    elif database not in ("", *REGISTRIES):
        raise NotFound(_("未知的登记簿：%(r)s") % {"r": database}, field="databaseId")
    else:
        raise PermissionDenied(_("只能查询本人或本企业的数据使用记录"), field="userId")
    if subject is None:
        raise NotFound(_("未找到记录"), field="userId")
    entries = AuditEntry.objects.filter(
        action__in=PERSONAL_DATA_READS, object_type=subject._meta.label_lower, object_id=str(subject.pk)
    ).select_related("actor__department")
    return [
        {
            "id": str(e.seq),
            "readerId": e.actor.username if e.actor else "",
            "readerInitials": (e.actor_label or e.on_behalf_of)[:1],
            "readerName": e.actor_label,
            "readerInstitutionId": e.actor.department.code if e.actor and e.actor.department else "",
            "readerInstitutionName": e.on_behalf_of
            or (e.actor.department.name if e.actor and e.actor.department else ""),
            "readerApplicationName": "Yiwang",
            "searchDateTime": e.created_at.isoformat(),
            "purpose": e.reason,
            "refrences": [{"ReferenceId": subject.pk if isinstance(subject, Person) else subject.uscc}],
        }
        for e in entries.order_by("-seq")[:500]
    ]


@_route("GET", "/data/mypersonalDataUsage")
def my_personal_data_usage(request: AuthedRequest, userId: str, databaseId: str = "") -> list[dict[str, Any]]:
    return _usage(request, userId, databaseId)


@_route("GET", "/data/MyPersonalDataUsage/1.0")
def my_personal_data_usage_v1(request: AuthedRequest, userID: str, DatabaseID: str = "") -> list[dict[str, Any]]:
    """The older spelling, with its parameter names."""
    return _usage(request, userID, DatabaseID)


# --- Data API --------------------------------------------------------------------------------------------------


def _page_link(request: HttpRequest, page: int) -> str:
    """The list's URL with the same query, on another page (the links keep every filter)."""
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{request.path}?{params.urlencode()}"


@_route("GET", "/data/{registryName}/{versionNumber}")
def list_records(
    request: AuthedRequest,
    registryName: str,
    versionNumber: str,
    search: str = "",
    page: int = 1,
    pageSize: int | None = None,
    page_size: int = 10,
) -> dict[str, Any]:
    size = max(1, min(pageSize or page_size, 100))
    page = max(page, 1)
    query = {k.removeprefix("query."): v for k, v in request.GET.items() if k.startswith("query.")}
    external = _external(registryName, versionNumber)
    if external is not None:
        qs = external.records(request.user, query)
        if search:
            qs = external.search(qs, search)
        render: Callable[[Any], dict[str, Any]] = external.content
    else:
        _model(registryName, versionNumber)
        qs = _filter(_scoped(request, registryName), registryName, query)
        if search:
            qs = qs.filter(name__contains=search)

        def render(record: Any) -> dict[str, Any]:
            return _content(request, record)

    total = qs.count()
    start = (page - 1) * size
    return {
        "count": total,
        "next": _page_link(request, page + 1) if start + size < total else None,
        "previous": _page_link(request, page - 1) if page > 1 else None,
        "results": [render(r) for r in qs[start : start + size]],
    }


@_route("POST", "/data/{registryName}/{versionNumber}/exists")
def exists(request: AuthedRequest, registryName: str, versionNumber: str, body: GovStackQueryBody) -> dict[str, Any]:
    external = _external(registryName, versionNumber)
    if external is not None:
        found = external.records(request.user, body.query.content).exists()
    else:
        _model(registryName, versionNumber)
        found = _filter(_scoped(request, registryName), registryName, body.query.content).exists()
    message = _("找到记录") if found else _("未找到记录")
    return {"answer": {"status": found, "message": message}}


@_route("POST", "/data/{registryName}/{versionNumber}/read")
def read(request: AuthedRequest, registryName: str, versionNumber: str, body: GovStackQueryBody) -> dict[str, Any]:
    external = _external(registryName, versionNumber)
    if external is not None:
        found = external.records(request.user, body.query.content).first()
        if found is None:
            raise NotFound(_("未找到记录"), field="query")
        return {"content": external.content(found)}
    _model(registryName, versionNumber)
    record = _filter(_scoped(request, registryName), registryName, body.query.content).first()
    if record is None:
        raise NotFound(_("未找到记录"), field="query")
    return {"content": _content(request, record, _purpose(request))}


def _create(request: AuthedRequest, registry: str, version: str, content: dict[str, Any]) -> dict[str, Any]:
    external = _external(registry, version)
    if external is not None:  # ``write`` without a record creates one and refuses a key that exists
        return external.content(external.write(request.user, content, None))
    model = _model(registry, version)
    record = create_record(
        model, _write_values(model, content), department=_department(request), actor=request.user,
        reason=_reason(request),
    )  # fmt: skip
    return _content(request, record)


@_route("POST", "/data/{registryName}/{versionNumber}/create")
@transaction.atomic
def create(request: AuthedRequest, registryName: str, versionNumber: str, body: GovStackWriteBody) -> dict[str, Any]:
    return {"content": _create(request, registryName, versionNumber, body.write.content)}


@_route(
    "POST",
    "/data/{registryName}/{versionNumber}/createEntries",
    "/data/{registryName}/{versionNumber}/create-entries",
    response={201: dict[str, Any]},
)
@transaction.atomic
def create_entries(
    request: AuthedRequest,
    registryName: str,
    versionNumber: str,
    body: GovStackWriteListBody,
) -> Status:
    """Several records at once: all are created or none (one transaction)."""
    if _external(registryName, versionNumber) is None:
        _model(registryName, versionNumber)
    created = [{"content": _create(request, registryName, versionNumber, w.content)} for w in body.write]
    return Status(201, {"receive": created})


def _update_matches(request: AuthedRequest, registry: str, body: GovStackWriteBody, *, many: bool) -> list[Any]:
    if body.query is None:
        raise ValidationFailed(_("缺少查询条件"), field="query")
    model = _model(registry, VERSION)
    records = list(_filter(_scoped(request, registry), registry, body.query.content)[: 1000 if many else 2])
    if not records:
        raise NotFound(_("未找到记录"), field="query")
    if not many and len(records) > 1:
        raise Conflict(_("查询条件匹配多条记录，请使用 updateEntries"), field="query")
    values = _write_values(model, body.write.content)
    for record in records:
        update_record(record, values, department=_department(request), actor=request.user, reason=_reason(request))
    return records


def _external_update(
    request: AuthedRequest, registry: ExternalRegistry, body: GovStackWriteBody, *, many: bool
) -> list[Any]:
    if body.query is None:
        raise ValidationFailed(_("缺少查询条件"), field="query")
    records = list(registry.records(request.user, body.query.content)[: 1000 if many else 2])
    if not records:
        raise NotFound(_("未找到记录"), field="query")
    if not many and len(records) > 1:
        raise Conflict(_("查询条件匹配多条记录，请使用 updateEntries"), field="query")
    return [registry.write(request.user, body.write.content, record) for record in records]


@_route("PUT", "/data/{registryName}/{versionNumber}/update")
@transaction.atomic
def update(request: AuthedRequest, registryName: str, versionNumber: str, body: GovStackWriteBody) -> dict[str, Any]:
    external = _external(registryName, versionNumber)
    if external is not None:
        (record,) = _external_update(request, external, body, many=False)
        return {"content": external.content(record)}
    _model(registryName, versionNumber)
    (record,) = _update_matches(request, registryName, body, many=False)
    return {"content": _content(request, record)}


@_route(
    "PUT", "/data/{registryName}/{versionNumber}/updateEntries", "/data/{registryName}/{versionNumber}/update-entries"
)
@transaction.atomic
def update_entries(
    request: AuthedRequest,
    registryName: str,
    versionNumber: str,
    body: GovStackWriteBody,
) -> dict[str, Any]:
    external = _external(registryName, versionNumber)
    if external is not None:
        return {"count": len(_external_update(request, external, body, many=True))}
    _model(registryName, versionNumber)
    return {"count": len(_update_matches(request, registryName, body, many=True))}


@_route(
    "POST",
    "/data/{registryName}/{versionNumber}/updateOrCreate",
    "/data/{registryName}/{versionNumber}/update-or-create",
)
@transaction.atomic
def update_or_create(
    request: AuthedRequest,
    registryName: str,
    versionNumber: str,
    body: GovStackWriteBody,
) -> dict[str, Any]:
    external = _external(registryName, versionNumber)
    if external is not None:
        found = _external_one(request, external, body.query.content) if body.query is not None else None
        return {"content": external.content(external.write(request.user, body.write.content, found))}
    model = _model(registryName, versionNumber)
    if body.query is not None and _filter(_scoped(request, registryName), registryName, body.query.content).exists():
        (record,) = _update_matches(request, registryName, body, many=False)
    else:
        record = create_record(
            model, _write_values(model, body.write.content), department=_department(request), actor=request.user,
            reason=_reason(request),
        )  # fmt: skip
    return {"content": _content(request, record)}


@_route("DELETE", "/data/{registryName}/{versionNumber}/{ID}/delete", response={204: None})
@transaction.atomic
def delete(request: AuthedRequest, registryName: str, versionNumber: str, ID: str) -> Status:
    if _external(registryName, versionNumber) is not None:
        raise Conflict(_("主题库记录保留全部历史版本，不可删除；请更新相应字段"), field="ID")
    _model(registryName, versionNumber)
    if registryName == "population":
        raise Conflict(_("人口库记录不可删除；死亡等情形请由权威来源部门变更相应数据项"), field="ID")
    entity = entities_for(request.user).filter(uscc=normalize_identifier(ID)).first()
    if entity is None:
        raise NotFound(_("未找到记录"), field="ID")
    update_record(
        entity, {"status": LegalEntity.Status.CANCELLED}, department=_department(request), actor=request.user,
        reason=_reason(request),
    )  # fmt: skip
    return Status(204, None)


@_route(
    "GET",
    "/data/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}",
    "/data/{registryName}/{versionNumber}/{uuid}/read-value/{field}.{ext}",
)
def read_value(
    request: AuthedRequest,
    registryName: str,
    versionNumber: str,
    uuid: str,
    field: str,
    ext: str,
) -> dict[str, Any]:
    if ext != "json":
        raise ValidationFailed(_("仅支持 json 格式"), field="ext")
    external = _external(registryName, versionNumber)
    if external is not None:
        found = external.find(request.user, uuid)
        if found is None:
            raise NotFound(_("未找到记录"), field="ID")
        content = external.content(found)
    else:
        _model(registryName, versionNumber)
        record: Person | LegalEntity | None
        if registryName == "population":
            pk = int(uuid) if uuid.isdigit() and len(uuid) < 19 else 0
            record = persons_for(request.user).filter(pk=pk).first()
        else:
            record = entities_for(request.user).filter(uscc=normalize_identifier(uuid)).first()
        if record is None:
            raise NotFound(_("未找到记录"), field="ID")
        content = _content(request, record, _purpose(request))
    if field not in content:
        raise NotFound(_("未知字段：%(fields)s") % {"fields": field}, field="field")
    return {"value": content[field]}


# --- Database API: schemas -------------------------------------------------------------------------------------

_JSON_TYPES = {
    "integer": ("integer", None),
    "decimal": ("number", None),
    "date": ("string", "date"),
    "boolean": ("boolean", None),
}
_BASE = {
    "population": (1, _("人口基础信息库"), DataElement.Registry.PERSON),
    "legal-entities": (2, _("法人基础信息库"), DataElement.Registry.ENTITY),
}


def json_property(data_type: str, title: str) -> dict[str, Any]:
    """A field as a JSON-schema property (the Database API's schema)."""
    kind, fmt = _JSON_TYPES.get(data_type, ("string", None))
    prop: dict[str, Any] = {"type": kind, "description": title}
    if fmt:
        prop["format"] = fmt
    return prop


def _base_info(name: str) -> dict[str, Any]:
    database_id, title, registry = _BASE[name]
    fields = PERSON_FIELDS if name == "population" else ENTITY_FIELDS
    elements = {e.field_name: e for e in DataElement.objects.filter(registry=registry)}
    properties: dict[str, Any] = {"ID": {"type": "string", "primaryKey": True, "readOnly": True, "description": "ID"}}
    for field in fields:
        element = elements.get(field)
        properties[field] = json_property(
            element.data_type if element else "string", element.name if element else field
        )
    return {
        "id": database_id, "code": name, "name": str(title), "version": VERSION,
        "description": str(title), "institution": str(_("权威来源部门（按数据元）")),
        "schema": {"type": "object", "properties": properties, "required": ["ID"]},
        "is_draft": False, "is_disabled": False, "is_archived": False, "modified_at": None,
    }  # fmt: skip


@_route("GET", "/databases")
def databases(request: AuthedRequest) -> dict[str, Any]:
    """Every registry served here with its schema: the base registries and the caller's external ones."""
    infos = [_base_info(name) for name in REGISTRIES]
    for provider in _PROVIDERS:
        infos.extend(registry.info() for registry in provider.all(request.user))
    return {"id": 1, "name": str(_("一网数据底座")), "code": "YIWANG", "databases": infos}


def _database(
    request: AuthedRequest, database_id: int
) -> tuple[str | None, ExternalRegistry | None, ExternalProvider | None]:
    for name, (number, _title, _registry) in _BASE.items():
        if number == database_id:
            return name, None, None
    for provider in _PROVIDERS:
        registry = provider.by_database_id(database_id)
        if registry is not None and any(r.database_id == database_id for r in provider.all(request.user)):
            return None, registry, provider
    raise NotFound(_("未找到该数据库：%(id)s") % {"id": database_id}, field="id")


@_route("POST", "/database/modify")
@transaction.atomic
def modify_database(request: AuthedRequest, body: GovStackDatabaseModifyBody) -> dict[str, Any]:
    """Create a department's registry by its schema, or add fields to one (the base registries are fixed)."""
    if body.code in REGISTRIES:
        raise Conflict(_("基础库的结构由数据元标准确定，不能修改"), field="code")
    if not _PROVIDERS:
        raise Conflict(_("本平台未启用可定义的登记簿"), field="code")
    registry = _PROVIDERS[0].modify(request.user, body.dict())
    return registry.info()["schema"]


@_route("GET", "/database/{id}")
def database(request: AuthedRequest, id: int) -> dict[str, Any]:
    name, external, _provider = _database(request, id)
    return _base_info(name) if name else external.info()  # type: ignore[union-attr]


@_route("DELETE", "/database/{id}")
@transaction.atomic
def delete_database(request: AuthedRequest, id: int) -> str:
    name, external, provider = _database(request, id)
    if name is not None or external is None or provider is None:
        raise Conflict(_("基础库的结构由数据元标准确定，不能删除"), field="id")
    provider.delete(request.user, external)
    return "Success"


@router.api_operation(["GET", "POST", "PUT", "DELETE", "PATCH"], "/{path:rest}", auth=None, include_in_schema=False)
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other path under the adapter: a JSON 404 as the specification shapes it, never an HTML page."""
    return JsonResponse({"detail": str(_("未找到：%(path)s") % {"path": request.path})}, status=404)
