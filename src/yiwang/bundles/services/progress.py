"""Advancing a bundle (串联改并联): start each waiting item whose prerequisites completed, share the e-certificates
issued inside the bundle, refresh the derived state and send the notices due (docs/decisions/0009-bundle-workflow.md).

:func:`advance_bundle` is idempotent: the periodic task, the applicant's status page and the officials' view all
call it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yiwang.applications.lifecycle import FINAL_STATES, State
from yiwang.applications.models import SubmittedMaterial
from yiwang.applications.services import record_note, submit_application
from yiwang.bundles.merging import MergedMaterial, map_answers, merge_materials
from yiwang.bundles.models import BundleApplication, BundleChild, BundleItem, BundleState
from yiwang.bundles.services.notices import notify_completion, notify_corrections, notify_refusal
from yiwang.bundles.services.reads import children_of
from yiwang.core.errors import DomainError

OPEN_STATES = (BundleState.SUBMITTED, BundleState.IN_PROGRESS, BundleState.CORRECTION_REQUESTED)


def derive_state(states: Sequence[str | None]) -> str:
    """The bundle's state from its children's (``None``: not started yet)."""
    started = [s for s in states if s is not None]
    if any(s in {State.REFUSED, State.DENIED} for s in started):
        return BundleState.REFUSED
    if any(s == State.WITHDRAWN for s in started):
        return BundleState.WITHDRAWN
    if any(s == State.CORRECTION_REQUESTED for s in started):
        return BundleState.CORRECTION_REQUESTED
    if states and all(s == State.COMPLETED for s in states):
        return BundleState.COMPLETED
    if all(s == State.SUBMITTED for s in started):
        return BundleState.SUBMITTED
    return BundleState.IN_PROGRESS


def child_key(bundle_application: BundleApplication, bundle_item: BundleItem) -> str:
    """The child application's idempotency key, derived from the bundle's (stable across retries)."""
    digest = hashlib.sha256(f"{bundle_application.idempotency_key}:{bundle_item.pk}".encode()).hexdigest()
    return f"bundle-{digest[:40]}"


def advance_bundle(application: BundleApplication) -> BundleApplication:
    """Start every waiting item whose prerequisites all completed, refresh the state, send due notices.

    Idempotent; called by the periodic task and whenever the applicant or an official opens the bundle.
    """
    for _round in range(application.children.count() + 1):
        with transaction.atomic():
            application, started = advance_once(application, strict=False)
        # an item started in that round may have been decided at once (秒批, run when the round commits): go on
        # until nothing more starts, so the state and the notices reflect it now, not at the next periodic run
        if not started:
            break
    return application


def advance_open_bundles() -> int:
    """Advance every open bundle application (the periodic run); returns how many were looked at."""
    count = 0
    for pk in BundleApplication.objects.filter(state__in=OPEN_STATES).values_list("pk", flat=True).iterator():
        advance_bundle(BundleApplication(pk=pk))
        count += 1
    return count


def advance_once(application: BundleApplication, *, strict: bool) -> tuple[BundleApplication, int]:
    """One round: start what can start, share results, refresh the state, send due notices; (bundle, started)."""
    application = (
        BundleApplication.objects.select_for_update(of=("self",)).select_related("bundle").get(pk=application.pk)
    )
    children = children_of(application)
    by_item = {c.bundle_item_id: c for c in children}
    items = [c.bundle_item for c in children]
    materials: list[MergedMaterial] | None = None
    started = 0
    for child in children:
        if child.application_id is not None or application.withdrawn_at is not None:
            continue
        prerequisites = [by_item[d.pk] for d in child.bundle_item.depends_on.all() if d.pk in by_item]
        if any(p.application is None or p.application.state != State.COMPLETED for p in prerequisites):
            continue
        try:
            if materials is None:
                materials = merge_materials(items)
            _start_child(application, child, materials)
            started += 1
        except DomainError as exc:
            if strict:
                raise
            child.start_error = str(exc.message)[:500]
            child.save(update_fields=["start_error"])
    share_results(children)
    application.state = derive_state([c.application.state if c.application else None for c in children])
    if application.withdrawn_at is not None and application.state != BundleState.COMPLETED:
        application.state = BundleState.WITHDRAWN
    notify_corrections(application, children)
    if application.state == BundleState.COMPLETED:
        notify_completion(application, children)
    if application.state == BundleState.REFUSED:
        notify_refusal(application, children)
    application.save(update_fields=["state", "correction_notice", "correction_round"])
    return application, started


def _start_child(application: BundleApplication, child: BundleChild, materials: Sequence[MergedMaterial]) -> None:
    bundle_item = child.bundle_item
    stored = {u.key: u for u in application.uploads.all()}
    uploads: dict[int, Any] = {}
    opened: list[Any] = []
    for material in materials:
        if material.key not in stored:
            continue
        for item_pk, requirement_pk in material.sources:
            if item_pk == bundle_item.pk:
                handle = stored[material.key].file.open("rb")
                opened.append(handle)
                uploads[requirement_pk] = File(handle, name=stored[material.key].file_name)
    try:
        child.application = submit_application(
            bundle_item.item,
            user=application.submitted_by,
            form_data=map_answers(application.field_map, bundle_item.pk, application.form_data),
            idempotency_key=child_key(application, bundle_item),
            uploads=uploads,
            on_behalf_of=application.on_behalf_of,
            in_bundle=True,
        )
    finally:
        for handle in opened:
            handle.close()
    child.started_at = timezone.now()
    child.start_error = ""
    child.save(update_fields=["application", "started_at", "start_error"])


def share_results(children: Sequence[BundleChild]) -> int:
    """Give each open sibling the e-certificates the bundle has issued that its item asks for and it still lacks.

    The items that started together with the one producing the certificate (容缺) get it as a material the moment
    it exists, so their officials see it without asking the applicant. Returns how many materials were added.
    """
    issued = {
        c.application.result_certificate.cert_type_id: c.application.result_certificate
        for c in children
        if c.application is not None and c.application.result_certificate is not None
    }
    if not issued:
        return 0
    added = 0
    for child in children:
        app = child.application
        if app is None or app.state in FINAL_STATES:
            continue
        wanted = [r for r in child.bundle_item.item.materials.all() if r.certificate_type_id in issued]
        have = set(SubmittedMaterial.objects.filter(application=app).values_list("requirement_id", flat=True))
        for requirement in wanted:
            if requirement.pk in have or requirement.certificate_type_id is None:
                continue
            cert = issued[requirement.certificate_type_id]
            SubmittedMaterial.objects.create(application=app, requirement=requirement, certificate=cert)
            record_note(
                app,
                "share_result",
                gettext("一件事内共享电子证照：%(name)s %(no)s") % {"name": requirement.name, "no": cert.number},
            )
            added += 1
    return added
