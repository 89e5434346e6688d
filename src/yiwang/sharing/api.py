"""数据共享 over the API: reads through a grant's credential (``Authorization: Bearer yws_…``) and open statistics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.security import HttpBearer

from yiwang.sharing.models import Grant
from yiwang.sharing.services import reads
from yiwang.sharing.services.grants import grant_for_credential

router = Router(tags=["sharing"])


class GrantCredentialAuth(HttpBearer):
    """A grant's credential; the grant's state is enforced by the read itself (revoked → 403 at once)."""

    def authenticate(self, request: HttpRequest, token: str) -> Grant | None:
        return grant_for_credential(token)


class SharingReadOut(Schema):
    record_key: str
    values: dict[str, Any]


class SharingFieldsIn(Schema):
    fields: str = ""


class SharingPageIn(Schema):
    fields: str = ""
    offset: int = 0
    limit: int = 100


def _fields(text: str) -> list[str] | None:
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    return wanted or None


@router.get("/read/{record_key}", response=SharingReadOut, auth=GrantCredentialAuth())
def read_record(request: HttpRequest, record_key: str, query: Query[SharingFieldsIn]) -> dict[str, Any]:
    """One record, only the granted fields, inside the grant's row scope, period and rate."""
    grant: Grant = request.auth  # type: ignore[attr-defined]
    return {"record_key": record_key, "values": reads.read_record(grant, record_key, fields=_fields(query.fields))}


@router.get("/rows", auth=GrantCredentialAuth())
def read_rows(request: HttpRequest, query: Query[SharingPageIn]) -> HttpResponse:
    """A page of records as watermarked JSON (the ``X-Export`` header names the export)."""
    grant: Grant = request.auth  # type: ignore[attr-defined]
    bulk = reads.read_rows(grant, fields=_fields(query.fields), offset=query.offset, limit=query.limit)
    response = HttpResponse(bulk.content, content_type="application/json")
    response["X-Export"] = str(bulk.export.pk)
    return response
