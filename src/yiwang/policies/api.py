"""免申即享 over the API: the agent's benefits and offers, confirmation, public notice, the officials' sandbox."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import User
from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.policies import services
from yiwang.policies.models import Offer, Payout, Policy
from yiwang.registries.models import LegalEntity

router = Router(tags=["policies"])


class OfferOut(Schema):
    id: int
    policy_code: str = Field(alias="policy.code")
    policy_title: str = Field(alias="policy.title")
    amount: Decimal
    status: str
    created_at: datetime
    explanation: dict[str, Any]


class MineOut(Schema):
    uscc: str
    name: str
    eligible: list[dict[str, Any]]
    unknown: list[dict[str, Any]]
    near_misses: list[dict[str, Any]]
    offers: list[OfferOut]


class ConfirmIn(Schema):
    bank_account: str = Field(min_length=1, max_length=40, description="收款账号")


class DeclineIn(Schema):
    reason: str = Field("", max_length=200)


class PayoutOut(Schema):
    id: int
    offer_id: int
    amount: Decimal
    bank_account: str = Field(alias="bank_account_masked")
    status: str


class NoticeRow(Schema):
    entity_name: str
    uscc: str
    legal_representative: str
    amount: Decimal
    status: str


class NoticeOut(Schema):
    code: str
    title: str
    legal_references: str
    rows: list[NoticeRow]


class SandboxIn(Schema):
    rules: str = Field(min_length=1, description="草案规则 YAML（conditions 与 amount）")


def _own_offer(user: User, offer_id: int) -> Offer:
    """An offer of the agent's own enterprise; anyone else's is 404, as if it did not exist."""
    offer = Offer.objects.select_related("policy").filter(pk=offer_id).first()
    if offer is None or not user.enterprise_uscc or offer.uscc != user.enterprise_uscc:
        raise NotFound(_("未找到该政策推送"), field="id")
    return offer


@router.get("/mine", response=MineOut)
def mine(request: AuthedRequest) -> dict[str, Any]:
    """The agent's enterprise: policies it qualifies for now, near misses with what is missing, and its offers."""
    user = request.user
    if user.kind != User.Kind.AGENT or not user.enterprise_uscc:
        raise PermissionDenied(_("仅企业经办人可以查看本企业的惠企政策"))
    entity = LegalEntity.objects.filter(uscc=user.enterprise_uscc).first()
    if entity is None:
        raise NotFound(_("法人库中未找到本企业"), field="uscc")
    result = services.calculator(entity)
    offers = Offer.objects.filter(uscc=entity.uscc).select_related("policy").order_by("-created_at", "pk")
    return {"uscc": entity.uscc, "name": entity.name, **result, "offers": list(offers)}


@router.post("/offers/{offer_id}/confirm", response=PayoutOut)
def confirm(request: AuthedRequest, offer_id: int, payload: ConfirmIn) -> Payout:
    """意愿确认: accept the benefit and name the receiving account; refused when the budget is spent."""
    offer = _own_offer(request.user, offer_id)
    return services.confirm_offer(offer, actor=request.user, bank_account=payload.bank_account)


@router.post("/offers/{offer_id}/decline", response=OfferOut)
def decline(request: AuthedRequest, offer_id: int, payload: DeclineIn) -> Offer:
    offer = _own_offer(request.user, offer_id)
    return services.decline_offer(offer, actor=request.user, reason=payload.reason)


@router.get("/{code}/notice", response=NoticeOut, auth=None)
def notice(request: HttpRequest, code: str) -> dict[str, Any]:
    """公示 (public): beneficiaries with the legal representative masked, and amounts."""
    policy = Policy.objects.filter(code=code).exclude(status=Policy.Status.DRAFT).first()
    if policy is None:
        raise NotFound(_("未找到该政策"), field="code")
    return {
        "code": policy.code,
        "title": policy.title,
        "legal_references": policy.legal_references,
        "rows": services.public_notice(policy),
    }


@router.post("/{code}/sandbox", response=dict[str, Any])
def sandbox(request: AuthedRequest, code: str, payload: SandboxIn) -> dict[str, Any]:
    """政策沙盘 (officials of the policy's department): coverage and cost of a draft against the current rules."""
    policy = Policy.objects.select_related("current_version", "department").filter(code=code).first()
    if policy is None:
        raise NotFound(_("未找到该政策"), field="code")
    return services.sandbox(policy, payload.rules, actor=request.user)
