"""Submitting a bundle: one merged form, one application per item without prerequisites, all in one transaction,
so every department has its part in its inbox at the same moment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.applications import intake
from yiwang.applications.delegation import delegation_covers
from yiwang.applications.forms_data import clean_form_data
from yiwang.applications.prefill import prefill
from yiwang.bundles.merging import MergedMaterial, merge_forms, merge_materials
from yiwang.bundles.models import Bundle, BundleApplication, BundleChild, BundleUpload
from yiwang.bundles.services.design import bundle_items, ordered_items
from yiwang.bundles.services.notices import tell_applicant
from yiwang.bundles.services.progress import advance_bundle, advance_once
from yiwang.catalog.formschema import bound_elements
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied


def asked_materials(materials: Sequence[MergedMaterial], holder_id: str) -> list[tuple[MergedMaterial, bool]]:
    """The materials the applicant sees: (material, satisfied by the applicant's own e-certificate, 免提交)."""
    held = intake.certificates_covering(holder_id, [m.certificate_type_id or 0 for m in materials])
    return [(m, m.certificate_type_id in held) for m in materials if not m.produced_in_bundle]


def submit_bundle(
    bundle: Bundle,
    *,
    user: User,
    form_data: dict[str, Any],
    uploads: dict[str, Any] | None = None,
    idempotency_key: str,
    on_behalf_of: User | None = None,
) -> BundleApplication:
    """Submit a bundle: one merged form, one application per item without prerequisites, all at once.

    ``uploads`` maps a merged material's key (``merging.material_key``) to the uploaded file. The same idempotency
    key from the same user returns the first bundle application. Nothing is saved when anything is refused.
    """
    bound = {name for bi in bundle.items.select_related("item") for name in bound_elements(bi.item.form_schema)}
    digest = intake.request_digest(  # 免填 fields: the registry's value counts, not what was sent
        bundle=bundle.pk,
        form={k: v for k, v in form_data.items() if k not in bound},
        uploads=uploads or {},
        on_behalf_of=on_behalf_of.pk if on_behalf_of else None,
    )
    application, created = intake.submit_once(
        BundleApplication,
        user=user,
        idempotency_key=idempotency_key,
        digest=digest,
        create=lambda key: _submit(
            bundle,
            user=user,
            form_data=form_data,
            uploads=uploads or {},
            key=key,
            principal=on_behalf_of,
            digest=digest,
        ),
    )
    if not created or transaction.get_connection().in_atomic_block:
        return application
    return advance_bundle(application)  # the items decided at once (秒批) on commit count in the state now


def _submit(
    bundle: Bundle,
    *,
    user: User,
    form_data: dict[str, Any],
    uploads: dict[str, Any],
    key: str,
    principal: User | None,
    digest: str,
) -> BundleApplication:
    if bundle.status != Bundle.Status.PUBLISHED:
        raise Conflict(_("该一件事未发布，暂不能申请"), field="bundle")
    items = ordered_items(bundle_items(bundle))
    if principal is not None and not delegation_covers(principal, user, [bi.item for bi in items]):
        raise PermissionDenied(_("没有覆盖本一件事全部事项的有效委托，不能代为申请"), field="on_behalf_of")
    form = merge_forms(items)
    materials = merge_materials(items)
    applicant = principal or user
    holder_id, _name = intake.applicant_identity(applicant)
    filled = prefill(form.schema, applicant)
    cleaned = clean_form_data(form.schema, {**form_data, **{name: p.value for name, p in filled.items()}})
    asked = asked_materials(materials, holder_id)
    missing = [m.name for m, by_cert in asked if m.required and not by_cert and m.key not in uploads]
    intake.require_materials(missing)
    known = {m.key: m for m in materials}
    for material_key_, upload in uploads.items():
        if material_key_ in known:
            material = known[material_key_]
            intake.check_upload(
                upload,
                name=material.name,
                file_types=material.file_types,
                max_size_mb=material.max_size_mb,
                field=f"material:{material.key}",
            )
    now = timezone.now()
    application = BundleApplication.objects.create(
        number=uuid.uuid4().hex[:32],
        bundle=bundle,
        submitted_by=user,
        on_behalf_of=principal,
        idempotency_key=key,
        request_digest=digest,
        form_data=cleaned,
        field_map=form.field_map(),
        submitted_at=now,
    )
    application.number = f"YJS{timezone.localdate(now):%Y%m%d}{application.pk:06d}"
    application.save(update_fields=["number"])
    for material_key_, upload in uploads.items():
        if material_key_ not in known:
            continue
        extension = intake.file_extension(upload.name)
        stored = BundleUpload(bundle_application=application, key=material_key_, file_name=upload.name[:200])
        intake.store_file(stored.file, extension, upload)
        stored.save()
    for bundle_item in items:
        BundleChild.objects.create(bundle_application=application, bundle_item=bundle_item)
    audit.record(
        "bundle.submit",
        actor=user,
        on_behalf_of=principal.username if principal else "",
        obj=application,
        data={"no": application.number, "bundle": bundle.code},
    )
    advance_once(application, strict=True)
    tell_applicant(
        application,
        gettext("您的“%(name)s”申请已提交，联办编号 %(no)s，各部门已同时收到并办理。")
        % {"name": bundle.name, "no": application.number},
        dedupe=f"bundle:{application.pk}:submitted",
    )
    return application
