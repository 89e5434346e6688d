"""Fixtures of the certificate tests: field-encryption keys, the default types, holders and a signing official."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from yiwang.core.identifiers import make_id_number, make_uscc

#: Test-only SM4 key (32 hex characters = 16 bytes). Never used outside tests.
TEST_FIELD_KEYS = {"test2026": "00112233445566778899aabbccddeeff"}

PERSON_ID = make_id_number("330106", date(1990, 3, 7), 123)
OTHER_PERSON_ID = make_id_number("330102", date(1985, 11, 2), 456)
ENTERPRISE_USCC = make_uscc("9", "1", "330106", "MA2K3L4P")
OTHER_USCC = make_uscc("9", "1", "330102", "MA7Q8R9T")


@pytest.fixture(autouse=True)
def field_keys():
    with override_settings(YIWANG_FIELD_KEYS=TEST_FIELD_KEYS, YIWANG_FIELD_KEY_CURRENT="test2026"):
        yield


@pytest.fixture
def cert_types(db):
    from yiwang.certificates.services import ensure_default_certificate_types

    return ensure_default_certificate_types()


@pytest.fixture
def xihu_official(org, make_official):
    return make_official("xihu_samr_clerk", org.xihu_samr)


@pytest.fixture
def person_user(db):
    from yiwang.accounts.models import User

    return User.objects.create_user(
        username="zhangsan", password="Correct-Horse-9", kind=User.Kind.PERSON, full_name="张三", id_number=PERSON_ID
    )


@pytest.fixture
def agent_user(db):
    from yiwang.accounts.models import User

    return User.objects.create_user(
        username="agent",
        password="Correct-Horse-9",
        kind=User.Kind.AGENT,
        full_name="李四",
        enterprise_uscc=ENTERPRISE_USCC,
    )


def food_licence_content(**changes):
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


def id_card_content(**changes):
    content = {
        "name": "张三",
        "gender": "男",
        "ethnicity": "汉",
        "birth_date": "1990-03-07",
        "address": "浙江省杭州市西湖区北山街道 1 号",
    }
    content.update(changes)
    return content


@pytest.fixture
def issue(org, cert_types, xihu_official):
    """Issue a certificate from 西湖区市场监督管理局 (a food business licence unless told otherwise)."""
    from yiwang.certificates.services import issue_certificate

    def _issue(
        cert_type="food_business_licence",
        holder_id=ENTERPRISE_USCC,
        holder_name="杭州西湖味道餐饮有限公司",
        content=None,
        department=None,
        actor=None,
        valid_from=None,
    ):
        if content is None:
            content = food_licence_content() if cert_type == "food_business_licence" else id_card_content()
        return issue_certificate(
            cert_type=cert_types[cert_type],
            holder_id=holder_id,
            holder_name=holder_name,
            content=content,
            department=department or org.xihu_samr,
            actor=actor or xihu_official,
            valid_from=valid_from,
        )

    return _issue
