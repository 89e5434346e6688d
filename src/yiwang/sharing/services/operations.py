"""授权运营: an operator builds a product on conditionally shared data. The data stay inside: the operator gets
verification answers (yes / no) or models trained inside, never rows. Agreements, fees and every call are recorded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.permissions import require_acts_for, require_authenticated
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import is_valid_uscc
from yiwang.sharing.models import OperationAgreement, Resource, SharingType
from yiwang.sharing.services.records import find_record


@transaction.atomic
def apply_operation(
    actor: Any, resource: Resource, *, operator_name: str, operator_uscc: str, product: str, output: str
) -> OperationAgreement:
    """An enterprise's agent applies to operate a product on a conditionally shared resource."""
    user = require_authenticated(actor)
    if user.enterprise_uscc != operator_uscc:
        raise PermissionDenied(_("只能以本企业名义申请授权运营"), field="operator_uscc")
    if not is_valid_uscc(operator_uscc):
        raise ValidationFailed(_("统一社会信用代码无效"), field="operator_uscc")
    if resource.sharing_type != SharingType.CONDITIONAL:
        raise Conflict(_("授权运营只适用于有条件共享的资源"), field="resource")
    if output not in OperationAgreement.Output.values:
        raise ValidationFailed(_("输出形式只能是模型或核验结果"), field="output")
    if not product.strip():
        raise ValidationFailed(_("请填写产品名称"), field="product")
    pending = OperationAgreement.objects.filter(
        operator_uscc=operator_uscc,
        resource=resource,
        product=product.strip(),
        status=OperationAgreement.Status.APPLIED,
    ).first()
    if pending is not None:  # a repeated submission returns the first application
        return pending
    agreement = OperationAgreement.objects.create(
        operator_name=operator_name.strip(), operator_uscc=operator_uscc, resource=resource,
        product=product.strip(), output=output,
    )  # fmt: skip
    audit.record("sharing.operation.apply", actor=user, obj=agreement, data={"resource": resource.code})
    return agreement


@transaction.atomic
def approve_operation(
    actor: Any, agreement: OperationAgreement, *, agreement_no: str, fee_yuan: Decimal
) -> OperationAgreement:
    """The provider signs the agreement with its number and fee; the operation starts."""
    agreement = OperationAgreement.objects.select_for_update().select_related("resource__provider").get(pk=agreement.pk)
    user = require_acts_for(actor, agreement.resource.provider, field="agreement")
    if agreement.status != OperationAgreement.Status.APPLIED:
        raise Conflict(_("该申请已处理"), field="agreement")
    if not agreement_no.strip():
        raise ValidationFailed(_("请填写授权运营协议编号"), field="agreement_no")
    if fee_yuan < 0:
        raise ValidationFailed(_("费用不能为负数"), field="fee_yuan")
    agreement.status = OperationAgreement.Status.ACTIVE
    agreement.agreement_no = agreement_no.strip()
    agreement.fee_yuan = fee_yuan.quantize(Decimal("0.01"))
    agreement.save()
    audit.record(
        "sharing.operation.approve",
        actor=user,
        obj=agreement,
        data={"no": agreement.agreement_no, "fee": agreement.fee_yuan},
    )
    return agreement


@transaction.atomic
def verify_claim(agreement: OperationAgreement, *, record_key: str, field: str, claimed: Any, purpose: str) -> bool:
    """Answer whether ``record_key``'s ``field`` equals ``claimed``: a yes or no leaves, never the value."""
    agreement = OperationAgreement.objects.select_for_update().select_related("resource").get(pk=agreement.pk)
    if agreement.status != OperationAgreement.Status.ACTIVE:
        raise PermissionDenied(_("授权运营协议未生效"), field="agreement")
    if agreement.output != OperationAgreement.Output.VERIFICATION:
        raise Conflict(_("该协议的输出形式不是核验结果"), field="agreement")
    if not agreement.resource.items.filter(code=field).exists():
        raise ValidationFailed(_("资源中没有该信息项"), field="field")
    if len(purpose.strip()) < 4:
        raise ValidationFailed(_("请写明核验用途（至少 4 个字）"), field="purpose")
    record = find_record(agreement.resource, record_key.strip(), [field])
    answer = record is not None and str(record.values[field]) == str(claimed).strip()
    OperationAgreement.objects.filter(pk=agreement.pk).update(calls=F("calls") + 1)
    if record is not None:
        audit.record(
            "sharing.verify", actor_label=agreement.operator_name, on_behalf_of=agreement.operator_name,
            obj=record.model, object_repr=agreement.resource.name, reason=purpose.strip(),
            data={"agreement": agreement.agreement_no, "field": field, "answer": answer},
        )  # fmt: skip
    return answer


@transaction.atomic
def refuse_operation(actor: Any, agreement: OperationAgreement, *, reason: str) -> OperationAgreement:
    """The provider refuses an application, with its reasons (recorded in the audit ledger)."""
    agreement = OperationAgreement.objects.select_for_update().select_related("resource__provider").get(pk=agreement.pk)
    user = require_acts_for(actor, agreement.resource.provider, field="agreement")
    if agreement.status != OperationAgreement.Status.APPLIED:
        raise Conflict(_("该申请已处理"), field="agreement")
    if len(reason.strip()) < 4:
        raise ValidationFailed(_("不予授权须说明理由（至少 4 个字）"), field="reason")
    agreement.status = OperationAgreement.Status.REFUSED
    agreement.save(update_fields=["status"])
    audit.record("sharing.operation.refuse", actor=user, obj=agreement, reason=reason.strip())
    return agreement


@transaction.atomic
def end_operation(actor: Any, agreement: OperationAgreement, *, reason: str) -> OperationAgreement:
    """The provider ends an agreement in force: the next verification is refused."""
    agreement = OperationAgreement.objects.select_for_update().select_related("resource__provider").get(pk=agreement.pk)
    user = require_acts_for(actor, agreement.resource.provider, field="agreement")
    if agreement.status != OperationAgreement.Status.ACTIVE:
        raise Conflict(_("只有运营中的协议可以终止"), field="agreement")
    if len(reason.strip()) < 4:
        raise ValidationFailed(_("终止协议须说明理由（至少 4 个字）"), field="reason")
    agreement.status = OperationAgreement.Status.ENDED
    agreement.save(update_fields=["status"])
    audit.record("sharing.operation.end", actor=user, obj=agreement, reason=reason.strip())
    return agreement
