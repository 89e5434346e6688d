"""谁看了我的数据: every read and unmasking of a citizen's or a firm's record, from the audit ledger."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiwang.core.models import AuditEntry
from yiwang.registries.access import PERSONAL_DATA_READS
from yiwang.registries.models import LegalEntity, Person

#: Ledger actions that are a read of one record by someone else (one list, kept by the registries).
READ_ACTIONS = PERSONAL_DATA_READS


def subjects_of(user: Any) -> list[tuple[str, str]]:
    """The ledger objects that are this user's own records: their person, and the enterprise they act for."""
    subjects: list[tuple[str, str]] = []
    if not getattr(user, "is_authenticated", False):
        return subjects
    if user.id_number:
        person = Person.objects.with_id_number(user.id_number).first()
        if person is not None:
            subjects.append(("registries.person", str(person.pk)))
    if user.enterprise_uscc:
        entity = LegalEntity.objects.filter(uscc=user.enterprise_uscc).first()
        if entity is not None:
            subjects.append(("registries.legalentity", str(entity.pk)))
    return subjects


def reads_of(user: Any, limit: int = 200) -> QuerySet[AuditEntry]:
    """The newest reads of the user's records: who, when, the purpose (``reason``) and the grant (``data``)."""
    subjects = subjects_of(user)
    if not subjects:
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.none()
    for object_type, object_id in subjects:
        qs = qs | AuditEntry.objects.filter(action__in=READ_ACTIONS, object_type=object_type, object_id=object_id)
    return qs.order_by("-seq")[:limit]
