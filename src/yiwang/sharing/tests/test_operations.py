"""授权运营: an operator gets yes/no answers from conditional data, never rows; agreement, fee and calls recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import PermissionDenied
from yiwang.core.models import AuditEntry
from yiwang.registries.tests import factories as registry_factories
from yiwang.sharing.services import operations


def test_an_operator_verifies_claims_without_seeing_rows(sharing, org):
    rep = registry_factories.person(org.xihu_town)
    operator = registry_factories.entity(org.xihu_town, rep, name="杭州普惠征信有限公司")
    firm = registry_factories.entity(org.xihu_town, rep, name="被核验企业")
    agent = User.objects.create_user(
        username="op", password="x" * 12, kind=User.Kind.AGENT, enterprise_uscc=operator.uscc
    )
    resource = sharing.resources["entity"]
    assert resource.sharing_type == "conditional"  # it names legal representatives (personal information)
    agreement = operations.apply_operation(
        agent, resource, operator_name=operator.name, operator_uscc=operator.uscc, product="小微企业信用贷核验",
        output="verification",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        operations.verify_claim(agreement, record_key=firm.uscc, field="name", claimed="x", purpose="贷款审核核验")
    operations.approve_operation(
        sharing.provider_official, agreement, agreement_no="SQYY-2026-001", fee_yuan=Decimal("5000")
    )

    def verify(claimed: str) -> bool:
        return operations.verify_claim(
            agreement, record_key=firm.uscc, field="name", claimed=claimed, purpose="贷款审核核验"
        )

    assert verify(firm.name) is True
    assert verify("别的名字") is False
    agreement.refresh_from_db()
    assert agreement.calls == 2 and agreement.fee_yuan == Decimal("5000.00")
    assert AuditEntry.objects.filter(action="sharing.verify", reason="贷款审核核验").count() == 2
