"""Builders of certificate-test data: holders' identifiers, valid contents, and certificates issued by the service."""

from __future__ import annotations

from datetime import date
from typing import Any

from yiwang.accounts.models import Department, User
from yiwang.certificates.models import Certificate, CertificateType
from yiwang.core.identifiers import make_id_number, make_uscc

PERSON_ID = make_id_number("330106", date(1990, 3, 7), 123)
OTHER_PERSON_ID = make_id_number("330102", date(1985, 11, 2), 456)
ENTERPRISE_USCC = make_uscc("9", "1", "330106", "MA2K3L4P")
OTHER_USCC = make_uscc("9", "1", "330102", "MA7Q8R9T")


def food_licence_content(**changes: Any) -> dict[str, Any]:
    content = {
        "operator_name": "杭州西湖味道餐饮有限公司",
        "legal_representative": "李四",
        "address": "浙江省杭州市西湖区文三路 100 号",
        "business_premises": "浙江省杭州市西湖区文三路 100 号一楼",
        "main_business_format": "餐饮服务经营者",
        "business_items": "热食类食品制售；冷食类食品制售",
    }
    content.update(changes)
    return content


def id_card_content(**changes: Any) -> dict[str, Any]:
    content = {
        "name": "张三",
        "gender": "男",
        "ethnicity": "汉",
        "birth_date": "1990-03-07",
        "address": "浙江省杭州市西湖区北山街道 1 号",
    }
    content.update(changes)
    return content


def certificate(
    cert_type: CertificateType,
    *,
    department: Department,
    actor: User,
    holder_id: str = ENTERPRISE_USCC,
    holder_name: str = "杭州西湖味道餐饮有限公司",
    content: dict[str, Any] | None = None,
    valid_from: date | None = None,
) -> Certificate:
    """A certificate issued and signed through :func:`issue_certificate` (never a row built by hand)."""
    from yiwang.certificates.services import issue_certificate

    if content is None:
        content = food_licence_content() if cert_type.code == "food_business_licence" else id_card_content()
    return issue_certificate(
        cert_type=cert_type,
        holder_id=holder_id,
        holder_name=holder_name,
        content=content,
        department=department,
        actor=actor,
        valid_from=valid_from,
    )
