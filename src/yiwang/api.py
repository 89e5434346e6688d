"""The NinjaAPI at /api/v1/ that mounts each app's router. OpenAPI docs are served locally at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema, Status
from ninja.security import django_auth

from yiwang import __version__
from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.tokens import ApiTokenAuth
from yiwang.applications.api import router as applications_router
from yiwang.bundles.api import router as bundles_router
from yiwang.catalog.api import router as catalog_router
from yiwang.certificates.api import router as certificates_router
from yiwang.collaboration.api import router as collaboration_router
from yiwang.core.errors import DomainError
from yiwang.disclosure.api import router as disclosure_router
from yiwang.policies.api import router as policies_router
from yiwang.registries.api import router as registries_router
from yiwang.registries.govstack import router as govstack_router
from yiwang.regulation.api import router as regulation_router
from yiwang.risk.api import router as risk_router
from yiwang.sharing.api import router as sharing_router
from yiwang.supervision.api import router as supervision_router

api = NinjaAPI(
    title="Yiwang API",
    version="1",
    description=str(_("一网 Yiwang 政务服务平台开放接口。使用 Authorization: Bearer <令牌> 认证。")),
    urls_namespace="api",
    auth=[ApiTokenAuth(), django_auth],
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


class MeOut(Schema):
    username: str
    kind: str
    full_name: str
    department: str | None


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request: AuthedRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        kind=user.kind,
        full_name=user.full_name,
        department=str(user.department) if user.department else None,
    )


class HealthOut(Schema):
    status: str
    version: str
    database: str


@api.get("/health", response={200: HealthOut, 503: HealthOut}, auth=None, tags=["operations"])
def health(request: HttpRequest):
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Status(200, HealthOut(status="ok", version=__version__, database=connection.vendor))
    except Exception:  # the health check reports, it does not raise
        return Status(503, HealthOut(status="unavailable", version=__version__, database=connection.vendor))


class AuditHeadOut(Schema):
    format: int
    seq: int
    entry_hash: str
    shards: list[tuple[int, int, str]] = []  # every chain's head: [shard, shard_seq, entry_hash]
    created_at: str
    public_key: str
    signature: str


@api.get("/audit/head", response=AuditHeadOut, auth=None, tags=["operations"])
def audit_head(request: HttpRequest) -> dict[str, Any]:
    """The audit ledger's head, signed with the platform's SM2 ledger key: keep it outside the database and check
    it later with ``yiwang audit verify --checkpoint`` (a deleted tail or a rewritten chain then fails)."""
    from yiwang.core.checkpoints import head_checkpoint

    return head_checkpoint()


api.add_router("/registries", registries_router)
api.add_router("/govstack", govstack_router)
api.add_router("/certificates", certificates_router)
api.add_router("/catalog", catalog_router)
api.add_router("/policies", policies_router)
api.add_router("/applications", applications_router)
api.add_router("/bundles", bundles_router)
api.add_router("/sharing", sharing_router)
api.add_router("/regulation", regulation_router)
api.add_router("/collaboration", collaboration_router)
api.add_router("/supervision", supervision_router)
api.add_router("/risk", risk_router)
api.add_router("/disclosure", disclosure_router)
