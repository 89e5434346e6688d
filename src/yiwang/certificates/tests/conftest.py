"""Fixtures of the certificate tests: field-encryption keys, the default types, holders and a signing official."""

from __future__ import annotations

import pytest
from django.test import override_settings

from yiwang.certificates.tests import factories
from yiwang.certificates.tests.factories import ENTERPRISE_USCC, PERSON_ID

#: Test-only SM4 key (32 hex characters = 16 bytes). Never used outside tests.
TEST_FIELD_KEYS = {"test2026": "00112233445566778899aabbccddeeff"}


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
    from yiwang.accounts.tests import factories

    return factories.citizen(username="zhangsan", full_name="张三", id_number=PERSON_ID)


@pytest.fixture
def agent_user(db):
    from yiwang.accounts.tests import factories

    return factories.agent(username="agent", full_name="李四", enterprise_uscc=ENTERPRISE_USCC)


@pytest.fixture
def issue(org, cert_types, xihu_official):
    """Issue a certificate from 西湖区市场监督管理局 (a food business licence unless told otherwise)."""

    def _issue(
        cert_type="food_business_licence",
        holder_id=ENTERPRISE_USCC,
        holder_name="杭州西湖味道餐饮有限公司",
        content=None,
        department=None,
        actor=None,
        valid_from=None,
    ):
        return factories.certificate(
            cert_types[cert_type],
            holder_id=holder_id,
            holder_name=holder_name,
            content=content,
            department=department or org.xihu_samr,
            actor=actor or xihu_official,
            valid_from=valid_from,
        )

    return _issue
