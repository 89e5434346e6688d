"""Writes to the base registries under 一数一源: only the authoritative source writes an element.

Every write is one transaction that validates the new values, refuses any element whose authoritative source
is another line of government, stores a full versioned snapshot (who, what, why, from when) and appends an
audit entry. Other departments report conflicting values as discrepancies for the source to resolve.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.accounts.scopes import user_scopes
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.fields import BlindIndexField, EncryptedTextField
from yiwang.registries.elements import element_for
from yiwang.registries.models import DataElement, Discrepancy, LegalEntity, Person, RecordVersion

Record = Person | LegalEntity


class NotAuthoritative(PermissionDenied):
    """The department is not the authoritative source of this data element (一数一源)."""

    default_code = "not_authoritative"


def registry_of(record: Record) -> str:
    return DataElement.Registry.PERSON if isinstance(record, Person) else DataElement.Registry.ENTITY


def record_key(record: Record) -> str:
    """The stable key of a record in history tables: the USCC for entities, the row id for persons."""
    return record.uscc if isinstance(record, LegalEntity) else str(record.pk)


def _attname(record: Record, name: str) -> str:
    """The attribute to set for a field name: ``industry`` → ``industry_id`` for a foreign key."""
    field = record._meta.get_field(name)
    return getattr(field, "attname", name) if field.is_relation else name


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(record: Record) -> dict[str, Any]:
    """The record's element-bound fields as JSON-safe values (foreign keys by their key).

    Encrypted fields stay encrypted in the snapshot (history is data at rest too); blind indexes are derived
    and left out. :func:`unseal` gives the plaintext back.
    """
    data: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if field.primary_key or isinstance(field, BlindIndexField):
            continue
        value = getattr(record, field.attname)
        if isinstance(field, EncryptedTextField):  # bound to the record's stable key: not copyable between records
            data[field.name] = field.seal_for(f"version:{record_key(record)}", value) if value else value
        else:
            data[field.name] = _json_value(value)
    return data


def unseal(record: Record, data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot of ``record`` with its encrypted fields decrypted (bound to the record's stable key)."""
    out = dict(data)
    for field in type(record)._meta.concrete_fields:
        if isinstance(field, EncryptedTextField) and out.get(field.name):
            out[field.name] = field.unseal_for(f"version:{record_key(record)}", out[field.name])
    return out


def _initial_valid_from(record: Record) -> date:
    if isinstance(record, LegalEntity):
        return record.founding_date
    return record.birth_date


def _next_version(registry: str, key: str) -> int:
    last = RecordVersion.objects.filter(registry=registry, record_key=key).order_by("-version").first()
    return 0 if last is None else last.version + 1


#: The roles that write a base registry for their department (an auditor reads, never writes).
REGISTRY_WRITE_ROLES = ("acceptor", "approver", "data_steward")


def division_code(value: Any) -> str | None:
    """A division given as a row, a code or a number (a JSON client) as its code; None when absent."""
    if value is None or value == "":
        return None
    return value.code if isinstance(value, Division) else str(value)


def _check_acts_for(actor: User, department: Department, *, division: Division | str | None) -> None:
    """The actor holds a writing role in ``department`` whose scope covers the record's division."""
    require_acts_for(
        actor,
        department,
        division=division,
        roles=REGISTRY_WRITE_ROLES,
        message=_("只能以本部门名义、在本人管辖的行政区划内修改基础库"),
        field="department",
    )


def _check_authority(registry: str, fields: list[str], department: Department) -> list[DataElement]:
    elements = []
    for name in fields:
        element = element_for(registry, name)
        if element is None:
            raise ValidationFailed(
                format_lazy(_("字段 {field} 未绑定数据元，不能写入"), field=name), field=name, code="unbound_field"
            )
        if element.source_kind != department.kind:
            raise NotAuthoritative(
                format_lazy(
                    _(
                        "{department}不是数据元“{element}”的权威来源部门（应为{source}），不能修改；如认为有误，请提交数据异议"
                    ),
                    department=department.name,
                    element=element.name,
                    source=Department.Kind(element.source_kind).label,
                ),
                field=name,
            )
        elements.append(element)
    return elements


@transaction.atomic
def update_record(
    record: Record,
    changes: dict[str, Any],
    *,
    department: Department,
    actor: User,
    reason: str,
    valid_from: date | None = None,
) -> RecordVersion:
    """Apply ``changes`` (field → new value) as the authoritative ``department``; returns the new version.

    Refused as a whole, with nothing changed, if any field is not bound to an element of which the department
    is the source, if a value is invalid, or if no reason is given.
    """
    if not reason.strip():
        raise ValidationFailed(_("请填写变更原因"), field="reason", code="reason_required")
    registry = registry_of(record)
    _check_authority(registry, list(changes), department)
    _check_acts_for(actor, department, division=record.division_id)
    for name in ("division", "division_id"):  # a move: the new division must be in scope as well as the old
        if name in changes:
            moved_to = division_code(changes[name])
            if moved_to is None:
                raise ValidationFailed(_("请填写所属行政区划"), field="division", code="division_required")
            _check_acts_for(actor, department, division=moved_to)
    key = record_key(record)
    version = _next_version(registry, key)
    if version == 0:  # the state before the first recorded change, from when the record began
        RecordVersion.objects.create(
            registry=registry,
            record_key=key,
            version=0,
            valid_from=_initial_valid_from(record),
            data=snapshot(record),
            changed=[],
            reason=str(_("建档")),
        )
        version = 1
    for name, value in changes.items():
        setattr(record, _attname(record, name), value)
    try:
        record.full_clean(validate_unique=True)
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=field_name) from exc
    record.save()
    new = RecordVersion.objects.create(
        registry=registry,
        record_key=key,
        version=version,
        valid_from=valid_from or timezone.localdate(),
        data=snapshot(record),
        changed=sorted(changes),
        department=department,
        actor=actor,
        reason=reason,
    )
    audit.record(
        f"registry.{registry}.update",
        actor=actor,
        obj=record,
        reason=reason,
        data={"version": version, "fields": sorted(changes), "department": department.code},
    )
    return new


@transaction.atomic
def create_record(
    model: type[Record], values: dict[str, Any], *, department: Department, actor: User, reason: str
) -> Record:
    """Create a registry record as the authoritative source of every element given (version 0 = 建档)."""
    if not reason.strip():
        raise ValidationFailed(_("请填写变更原因"), field="reason", code="reason_required")
    registry = DataElement.Registry.PERSON if model is Person else DataElement.Registry.ENTITY
    _check_authority(registry, list(values), department)
    division = division_code(values.get("division", values.get("division_id")))
    if division is None:
        raise ValidationFailed(_("请填写所属行政区划"), field="division", code="division_required")
    _check_acts_for(actor, department, division=division)
    record = model()
    for name, value in values.items():
        setattr(record, _attname(record, name), value)
    try:
        record.full_clean(validate_unique=True)
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=field_name) from exc
    if isinstance(record, Person) and Person.objects.with_id_number(record.id_number).exists():
        raise Conflict(_("该公民身份号码已在人口库中"), field="id_number")
    record.save()
    RecordVersion.objects.create(
        registry=registry,
        record_key=record_key(record),
        version=0,
        valid_from=_initial_valid_from(record),
        data=snapshot(record),
        changed=sorted(values),
        department=department,
        actor=actor,
        reason=reason,
    )
    audit.record(
        f"registry.{registry}.create", actor=actor, obj=record, reason=reason, data={"department": department.code}
    )
    return record


def record_as_of(record: Record, on: date) -> dict[str, Any] | None:
    """The record's values as they held on ``on`` (None if it did not exist yet).

    With no recorded change the current values hold since the record began.
    """
    registry, key = registry_of(record), record_key(record)
    version = (
        RecordVersion.objects.filter(registry=registry, record_key=key, valid_from__lte=on)
        .order_by("-valid_from", "-version")
        .first()
    )
    if version is not None:
        return unseal(record, version.data)
    has_history = RecordVersion.objects.filter(registry=registry, record_key=key).exists()
    if has_history or on < _initial_valid_from(record):
        return None
    return unseal(record, snapshot(record))


def history(record: Record) -> list[RecordVersion]:
    return list(
        RecordVersion.objects.filter(registry=registry_of(record), record_key=record_key(record))
        .select_related("department", "actor")
        .order_by("version")
    )


@transaction.atomic
def report_discrepancy(
    record: Record,
    field_name: str,
    reported_value: Any,
    *,
    actor: User,
    note: str = "",
    department: Department | None = None,
) -> Discrepancy:
    """Report that a registry value looks wrong (from another department, or from the citizen it concerns)."""
    element = element_for(registry_of(record), field_name)
    if element is None:
        raise ValidationFailed(format_lazy(_("字段 {field} 未绑定数据元"), field=field_name), field="field")
    discrepancy = Discrepancy.objects.create(
        element=element,
        record_key=record_key(record),
        division_id=record.division_id,
        current_value=_json_value(getattr(record, field_name)),
        reported_value=_json_value(reported_value),
        reported_by=actor,
        reported_by_department=department,
        note=note,
    )
    audit.record(
        "registry.discrepancy.report",
        actor=actor,
        obj=discrepancy,
        reason=note,
        data={"element": element.code, "record": record_key(record)},
    )
    return discrepancy


def _record_for(discrepancy: Discrepancy) -> Record:
    if discrepancy.element.registry == DataElement.Registry.ENTITY:
        return LegalEntity.objects.get(uscc=discrepancy.record_key)
    return Person.objects.get(pk=int(discrepancy.record_key))


def source_department_for(actor: User, source_kind: str, division: str | None) -> Department | None:
    """The department of kind ``source_kind`` for which ``actor`` writes over ``division`` (role × scope), if any.

    The actor's own ``User.department`` grants nothing by itself: the role assignments decide (a clerk moved to
    another office keeps the field until someone edits it, but loses the role at once).
    """
    candidates = Department.objects.filter(kind=source_kind)
    if not actor.is_administrator:
        candidates = candidates.filter(pk__in=[s.department_id for s in user_scopes(actor)])
    elif actor.department_id is not None:
        candidates = candidates.filter(pk=actor.department_id)
    for department in candidates.order_by("pk"):
        if acts_for(actor, department, division=division, roles=REGISTRY_WRITE_ROLES):
            return department
    return None


@transaction.atomic
def resolve_discrepancy(discrepancy: Discrepancy, *, accept: bool, actor: User, resolution: str) -> Discrepancy:
    """The authoritative source accepts (the value is written, versioned) or rejects a discrepancy report."""
    discrepancy = Discrepancy.objects.select_for_update(of=("self",)).select_related("element").get(pk=discrepancy.pk)
    if discrepancy.status != Discrepancy.Status.OPEN:
        raise Conflict(_("该数据异议已处理"), field="status")
    department = source_department_for(actor, discrepancy.element.source_kind, discrepancy.division_id)
    if department is None:
        raise NotAuthoritative(_("只有权威来源部门在本辖区有职责的工作人员可以处理数据异议"), field="department")
    if not resolution.strip():
        raise ValidationFailed(_("请填写处理意见"), field="resolution", code="resolution_required")
    if accept:
        record = _record_for(discrepancy)
        field_name = discrepancy.element.field_name
        update_record(
            record, {field_name: discrepancy.reported_value}, department=department, actor=actor, reason=resolution
        )
    discrepancy.status = Discrepancy.Status.ACCEPTED if accept else Discrepancy.Status.REJECTED
    discrepancy.resolved_at = timezone.now()
    discrepancy.resolved_by = actor
    discrepancy.resolution = resolution
    discrepancy.save()
    audit.record(
        "registry.discrepancy.resolve", actor=actor, obj=discrepancy, reason=resolution, data={"accepted": accept}
    )
    return discrepancy
