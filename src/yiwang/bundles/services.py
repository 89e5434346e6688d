"""Business operations on bundles: design (items, dependencies, publish), submit, advance, resubmit.

Workflow (docs/decisions/0009-bundle-workflow.md): a small explicit dependency graph over the existing application
state machine. Submitting a bundle starts, in one transaction, one ordinary application per item without
prerequisites, so every department has its part in its inbox at the same moment (串联改并联). :func:`advance_bundle`
starts each waiting item whose prerequisites have all completed, refreshes the derived state, and tells the
applicant once per correction round (all departments' items together) and once when everything is done. It is
idempotent: the periodic task, the applicant's status page and the officials' view all call it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.scopes import scope_queryset
from yiwang.applications.delegation import delegation_covers
from yiwang.applications.forms_data import clean_form_data
from yiwang.applications.lifecycle import FINAL_STATES, TRANSITIONS, State
from yiwang.applications.models import Application, ApplicationEvent, SubmittedMaterial
from yiwang.applications.prefill import prefill
from yiwang.applications.services import act, applicant_identity, record_note, submit_application
from yiwang.bundles.forms import MergedMaterial, map_answers, merge_forms, merge_materials
from yiwang.bundles.graph import CycleFound, prerequisites_closure, topological_order
from yiwang.bundles.models import Bundle, BundleApplication, BundleChild, BundleItem, BundleState, BundleUpload
from yiwang.catalog.models import ServiceItem
from yiwang.certificates.models import Certificate
from yiwang.core import audit
from yiwang.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.keys import index_of
from yiwang.core.notify import notify

OPEN_STATES = (BundleState.SUBMITTED, BundleState.IN_PROGRESS, BundleState.CORRECTION_REQUESTED)


class DependencyCycle(Conflict):
    default_code = "dependency_cycle"


# --- design --------------------------------------------------------------------------------------------------------


def bundle_items(bundle: Bundle) -> list[BundleItem]:
    return list(
        bundle.items.select_related("item__department", "item__result_certificate_type")
        .prefetch_related("depends_on", "item__materials")
        .order_by("position", "id")
    )


def ordered_items(items: Sequence[BundleItem]) -> list[BundleItem]:
    """The items in dependency order (prerequisites first); raises DependencyCycle naming the loop."""
    by_pk = {bi.pk: bi for bi in items}
    try:
        order = topological_order({bi.pk: {d.pk for d in bi.depends_on.all()} for bi in items})
    except CycleFound as exc:
        names = " → ".join(by_pk[pk].item.name for pk in exc.cycle)
        raise DependencyCycle(
            format_lazy(_("前置关系形成循环：{names}。请去掉其中一个前置事项"), names=names), field="depends_on"
        ) from exc
    return [by_pk[pk] for pk in order]


def _require_admin(actor: User) -> None:
    if not actor.is_administrator:
        raise PermissionDenied(_("只有系统管理员可以设计一件事"), field="actor")


@transaction.atomic
def add_item(bundle: Bundle, item: ServiceItem, *, actor: User) -> BundleItem:
    _require_admin(actor)
    if bundle.items.filter(item=item).exists():
        raise Conflict(_("该事项已在本一件事中"), field="item")
    position = (bundle.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    bundle_item = BundleItem.objects.create(bundle=bundle, item=item, position=position)
    audit.record("bundle.add_item", actor=actor, obj=bundle, data={"item": item.item_code})
    return bundle_item


@transaction.atomic
def remove_item(bundle_item: BundleItem, *, actor: User) -> None:
    _require_admin(actor)
    if BundleChild.objects.filter(bundle_item=bundle_item).exists():
        raise Conflict(_("已有申请使用该事项，不能移除"), field="item")
    audit.record("bundle.remove_item", actor=actor, obj=bundle_item.bundle, data={"item": bundle_item.item.item_code})
    bundle_item.delete()


@transaction.atomic
def set_dependencies(bundle_item: BundleItem, prerequisites: Iterable[BundleItem], *, actor: User) -> BundleItem:
    """Replace the item's prerequisites; a prerequisite from another bundle, itself, or a loop is refused."""
    _require_admin(actor)
    prerequisites = list(prerequisites)
    if any(p.bundle_id != bundle_item.bundle_id for p in prerequisites):
        raise ValidationFailed(_("前置事项必须属于同一个一件事"), field="depends_on")
    if any(p.pk == bundle_item.pk for p in prerequisites):
        raise DependencyCycle(_("事项不能以自身为前置事项"), field="depends_on")
    bundle_item.depends_on.set(prerequisites)
    ordered_items(bundle_items(bundle_item.bundle))  # raises (and so rolls back) on a loop
    audit.record(
        "bundle.set_dependencies",
        actor=actor,
        obj=bundle_item.bundle,
        data={"item": bundle_item.item.item_code, "depends_on": [p.item.item_code for p in prerequisites]},
    )
    return bundle_item


@transaction.atomic
def publish_bundle(bundle: Bundle, *, actor: User) -> Bundle:
    """Publish after checking the design: items exist and are published, no loop, the forms merge."""
    _require_admin(actor)
    items = bundle_items(bundle)
    if len(items) < 2:
        raise ValidationFailed(_("一件事至少包含两个事项"), field="items")
    unpublished = [bi.item.name for bi in items if not bi.item.is_published]
    if unpublished:
        raise Conflict(format_lazy(_("以下事项未发布：{names}"), names="、".join(unpublished)), field="items")
    merge_forms(ordered_items(items))
    bundle.status = Bundle.Status.PUBLISHED
    bundle.save(update_fields=["status", "updated_at"])
    audit.record("bundle.publish", actor=actor, obj=bundle, data={"code": bundle.code})
    return bundle


@transaction.atomic
def unpublish_bundle(bundle: Bundle, *, actor: User) -> Bundle:
    _require_admin(actor)
    bundle.status = Bundle.Status.DRAFT
    bundle.save(update_fields=["status", "updated_at"])
    audit.record("bundle.unpublish", actor=actor, obj=bundle, data={"code": bundle.code})
    return bundle


# --- submit --------------------------------------------------------------------------------------------------------


def child_key(bundle_application: BundleApplication, bundle_item: BundleItem) -> str:
    """The child application's idempotency key, derived from the bundle's (stable across retries)."""
    digest = hashlib.sha256(f"{bundle_application.idempotency_key}:{bundle_item.pk}".encode()).hexdigest()
    return f"bundle-{digest[:40]}"


def held_certificate_types(holder_id: str, type_ids: Iterable[int]) -> set[int]:
    """The e-certificate types among ``type_ids`` of which the holder has a valid certificate (免提交)."""
    wanted = set(type_ids)
    if not wanted:
        return set()
    certs = Certificate.objects.filter(
        holder_index=index_of(holder_id), cert_type_id__in=wanted, status=Certificate.Status.VALID
    )
    return {c.cert_type_id for c in certs if not c.is_expired()}


def asked_materials(materials: Sequence[MergedMaterial], holder_id: str) -> list[tuple[MergedMaterial, bool]]:
    """The materials the applicant sees: (material, satisfied by the applicant's own e-certificate)."""
    held = held_certificate_types(holder_id, [m.certificate_type_id for m in materials if m.certificate_type_id])
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

    ``uploads`` maps a merged material's key (``forms.material_key``) to the uploaded file. The same idempotency
    key from the same user returns the first bundle application. Nothing is saved when anything is refused.
    """
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationFailed(_("缺少有效的幂等键（8–64 个字符）"), field="idempotency_key")
    existing = BundleApplication.objects.filter(submitted_by=user, idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = _submit(
                bundle, user=user, form_data=form_data, uploads=uploads or {}, key=key, principal=on_behalf_of
            )
    except IntegrityError:
        existing = BundleApplication.objects.filter(submitted_by=user, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    if transaction.get_connection().in_atomic_block:
        return application
    return advance_bundle(application)  # the items decided at once (秒批) on commit count in the state now


def _check_upload(material: MergedMaterial, upload: Any) -> None:
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in {t.strip() for t in material.file_types.split(",")}:
        raise ValidationFailed(
            format_lazy(_("“{name}”只接受 {types} 格式"), name=material.name, types=material.file_types),
            field=f"material:{material.key}",
        )
    if upload.size > material.max_size_mb * 1024 * 1024:
        raise ValidationFailed(
            format_lazy(_("“{name}”不能超过 {mb} MB"), name=material.name, mb=material.max_size_mb),
            field=f"material:{material.key}",
        )


def _submit(
    bundle: Bundle,
    *,
    user: User,
    form_data: dict[str, Any],
    uploads: dict[str, Any],
    key: str,
    principal: User | None,
) -> BundleApplication:
    if bundle.status != Bundle.Status.PUBLISHED:
        raise Conflict(_("该一件事未发布，暂不能申请"), field="bundle")
    items = ordered_items(bundle_items(bundle))
    if principal is not None and not delegation_covers(principal, user, [bi.item for bi in items]):
        raise PermissionDenied(_("没有覆盖本一件事全部事项的有效委托，不能代为申请"), field="on_behalf_of")
    form = merge_forms(items)
    materials = merge_materials(items)
    applicant = principal or user
    holder_id, _name = applicant_identity(applicant)
    filled = prefill(form.schema, applicant)
    cleaned = clean_form_data(form.schema, {**form_data, **{name: p.value for name, p in filled.items()}})
    asked = asked_materials(materials, holder_id)
    missing = [m.name for m, by_cert in asked if m.required and not by_cert and m.key not in uploads]
    if missing:
        raise ValidationFailed(
            format_lazy(_("缺少必要材料：{names}"), names="、".join(missing)),
            field="materials",
            code="materials_missing",
        )
    known = {m.key: m for m in materials}
    for material_key_, upload in uploads.items():
        if material_key_ in known:
            _check_upload(known[material_key_], upload)
    now = timezone.now()
    application = BundleApplication.objects.create(
        number=uuid.uuid4().hex[:32],
        bundle=bundle,
        submitted_by=user,
        on_behalf_of=principal,
        idempotency_key=key,
        form_data=cleaned,
        field_map=form.field_map(),
        submitted_at=now,
    )
    application.number = f"YJS{timezone.localdate(now):%Y%m%d}{application.pk:06d}"
    application.save(update_fields=["number"])
    for position, (material_key_, upload) in enumerate(uploads.items()):
        if material_key_ not in known:
            continue
        extension = upload.name.rsplit(".", 1)[-1].lower()
        stored = BundleUpload(bundle_application=application, key=material_key_, file_name=upload.name[:200])
        stored.file.save(f"{application.number}-{position}.{extension}", upload, save=False)
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
    _advance(application, strict=True)
    _tell(
        application,
        gettext("您的“%(name)s”申请已提交，联办编号 %(no)s，各部门已同时收到并办理。")
        % {"name": bundle.name, "no": application.number},
        dedupe=f"bundle:{application.pk}:submitted",
    )
    return application


# --- advance -------------------------------------------------------------------------------------------------------


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


def _children(application: BundleApplication) -> list[BundleChild]:
    return list(
        application.children.select_related(
            "application__department",
            "application__result_certificate__cert_type",
            "bundle_item__item__department",
            "bundle_item__item__result_certificate_type",
        )
        .prefetch_related("bundle_item__depends_on", "bundle_item__item__materials")
        .order_by("bundle_item__position", "id")
    )


def advance_bundle(application: BundleApplication) -> BundleApplication:
    """Start every waiting item whose prerequisites all completed, refresh the state, send due notices.

    Idempotent; called by the periodic task and whenever the applicant or an official opens the bundle.
    """
    for _round in range(application.children.count() + 1):
        with transaction.atomic():
            application, started = _advance(application, strict=False)
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


def _advance(application: BundleApplication, *, strict: bool) -> tuple[BundleApplication, int]:
    """One round: start what can start, share results, refresh the state, send due notices; (bundle, started)."""
    application = (
        BundleApplication.objects.select_for_update(of=("self",)).select_related("bundle").get(pk=application.pk)
    )
    children = _children(application)
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
    _notify_corrections(application, children)
    if application.state == BundleState.COMPLETED:
        _notify_completion(application, children)
    if application.state == BundleState.REFUSED:
        _notify_refusal(application, children)
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


def _recipients(application: BundleApplication) -> list[User]:
    users = [application.submitted_by]
    if application.on_behalf_of and application.on_behalf_of.pk != application.submitted_by_id:
        users.append(application.on_behalf_of)
    return users


def _tell(application: BundleApplication, body: str, *, dedupe: str, sms: bool = False) -> None:
    url = reverse("bundles:status", args=[application.number])
    for user in _recipients(application):
        notify(
            user,
            str(application.bundle.name),
            body,
            url=url,
            channels=("portal", "sms") if sms else ("portal",),
            dedupe_key=dedupe,
            obj=application,
        )


def correction_list(children: Sequence[BundleChild]) -> list[dict[str, Any]]:
    """Every department's outstanding correction items (一次性告知, all departments together)."""
    return [
        {
            "department": c.application.department.name,
            "item": c.bundle_item.item.name,
            "application_no": c.application.application_no,
            "items": list(c.application.correction_items),
        }
        for c in children
        if c.application is not None and c.application.state == State.CORRECTION_REQUESTED
    ]


def _notify_corrections(application: BundleApplication, children: Sequence[BundleChild]) -> None:
    """One combined notice per correction round; a round changes when a department asks for a new correction."""
    waiting = [c for c in children if c.application and c.application.state == State.CORRECTION_REQUESTED]
    if not waiting:
        application.correction_notice = ""
        return
    last_requests = {
        e["application_id"]: e["pk"]
        for e in ApplicationEvent.objects.filter(
            application_id__in=[c.application_id for c in waiting], action="request_correction"
        )
        .order_by("pk")
        .values("application_id", "pk")
    }
    signature = ",".join(f"{c.application_id}:{last_requests.get(c.application_id or 0, 0)}" for c in waiting)[:500]
    if signature == application.correction_notice:
        return
    application.correction_round += 1
    application.correction_notice = signature
    lines = [
        f"{entry['department']}（{entry['item']}）：{'；'.join(entry['items'])}" for entry in correction_list(children)
    ]
    body = (
        gettext("您的“%(name)s”（%(no)s）需要补正，请一次性补齐以下全部内容后重新提交：")
        % {"name": application.bundle.name, "no": application.number}
        + "\n"
        + "\n".join(lines)
    )
    _tell(application, body, dedupe=f"bundle:{application.pk}:correction:{application.correction_round}", sms=True)


def results(children: Sequence[BundleChild]) -> list[dict[str, Any]]:
    """Each item's result: the issued e-certificate, or the result named by the guide."""
    out = []
    for c in children:
        app = c.application
        cert = app.result_certificate if app else None
        out.append(
            {
                "item": c.bundle_item.item.name,
                "department": c.bundle_item.item.department.name,
                "certificate": cert,
                "result": (cert.cert_type.name if cert else c.bundle_item.item.result_name) or "",
            }
        )
    return out


def _notify_completion(application: BundleApplication, children: Sequence[BundleChild]) -> None:
    lines = []
    for entry in results(children):
        cert = entry["certificate"]
        if cert is not None:
            lines.append(
                gettext("%(item)s：%(type)s，证照编号 %(no)s")
                % {"item": entry["item"], "type": entry["result"], "no": cert.number}
            )
        else:
            lines.append(gettext("%(item)s：已办结") % {"item": entry["item"]})
    body = (
        gettext("您的“%(name)s”（%(no)s）已全部办结，办理结果如下：")
        % {"name": application.bundle.name, "no": application.number}
        + "\n"
        + "\n".join(lines)
    )
    _tell(application, body, dedupe=f"bundle:{application.pk}:completed", sms=True)


def _notify_refusal(application: BundleApplication, children: Sequence[BundleChild]) -> None:
    """Once: which parts were refused and why, what that means for the rest (each department also serves its own
    decision with the legal remedies)."""
    lines = [
        gettext("%(item)s（%(department)s）：%(state)s，理由：%(reason)s")
        % {
            "item": c.bundle_item.item.name,
            "department": c.application.department.name,
            "state": c.application.get_state_display(),
            "reason": c.application.decision_reason,
        }
        for c in children
        if c.application is not None and c.application.state in {State.REFUSED, State.DENIED}
    ]
    refused = {
        c.bundle_item_id
        for c in children
        if c.application is not None and c.application.state in {State.REFUSED, State.DENIED}
    }
    depends = {c.bundle_item_id: {d.pk for d in c.bundle_item.depends_on.all()} for c in children}
    waiting = [  # never start: a prerequisite, direct or not, was refused
        c.bundle_item.item.name
        for c in children
        if c.application is None and prerequisites_closure(depends, c.bundle_item_id) & refused
    ]
    body = (
        gettext("您的“%(name)s”（%(no)s）有事项未获通过：")
        % {"name": application.bundle.name, "no": application.number}
        + "\n"
        + "\n".join(lines)
    )
    if waiting:
        body += "\n" + gettext("以其结果为前提的事项不再办理：%(items)s") % {"items": "、".join(waiting)}
    _tell(application, body, dedupe=f"bundle:{application.pk}:refused", sms=True)


# --- the applicant's correction, once for all departments --------------------------------------------------------


@transaction.atomic
def resubmit_bundle(application: BundleApplication, *, actor: User, form_data: dict[str, Any]) -> BundleApplication:
    """补正: the applicant corrects the merged form once; every child awaiting correction is resubmitted."""
    if actor.pk not in {application.submitted_by_id, application.on_behalf_of_id}:
        raise PermissionDenied(_("只有申请人本人可以进行此操作"), field="actor")
    children = _children(application)
    waiting = [c for c in children if c.application and c.application.state == State.CORRECTION_REQUESTED]
    if not waiting:
        raise Conflict(_("当前没有需要补正的事项"), field="state")
    form = merge_forms(ordered_items([c.bundle_item for c in children]))
    applicant = application.on_behalf_of or application.submitted_by
    locked = set(prefill(form.schema, applicant))
    changes = {k: v for k, v in form_data.items() if k in form.fields and k not in locked}
    application.form_data = clean_form_data(form.schema, {**application.form_data, **changes})
    application.field_map = form.field_map()
    application.save(update_fields=["form_data", "field_map"])
    for child in waiting:
        assert child.application is not None
        answers = map_answers(application.field_map, child.bundle_item_id, application.form_data)
        act(child.application, "resubmit", actor=actor, form_data=answers)
    return _advance(application, strict=False)[0]


@transaction.atomic
def withdraw_bundle(application: BundleApplication, *, actor: User, reason: str = "") -> BundleApplication:
    """撤回: the applicant withdraws every part still being handled; items not started yet never start.

    Parts already decided (a business licence issued) stay as they are: a withdrawal cannot undo a decision.
    """
    if actor.pk not in {application.submitted_by_id, application.on_behalf_of_id}:
        raise PermissionDenied(_("只有申请人本人可以进行此操作"), field="actor")
    application = BundleApplication.objects.select_for_update().get(pk=application.pk)
    if application.withdrawn_at is not None or application.state not in OPEN_STATES:
        raise Conflict(_("该联办件已办结、未通过或已撤回，不能撤回"), field="state")
    note = reason.strip() or gettext("申请人撤回一件事")
    withdrawn = []
    for child in _children(application):
        if child.application is not None and child.application.state in TRANSITIONS["withdraw"].sources:
            act(child.application, "withdraw", actor=actor, note=note)
            withdrawn.append(child.application.application_no)
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["withdrawn_at"])
    audit.record(
        "bundle.withdraw",
        actor=actor,
        obj=application,
        reason=note,
        data={"no": application.number, "withdrawn": withdrawn},
    )
    application, _started = _advance(application, strict=False)
    _tell(
        application,
        gettext("您的“%(name)s”（%(no)s）已撤回，未办结的事项不再办理。")
        % {"name": application.bundle.name, "no": application.number},
        dedupe=f"bundle:{application.pk}:withdrawn",
    )
    return application


# --- reads ---------------------------------------------------------------------------------------------------------


def visible_bundle_application(user: User, number: str) -> BundleApplication:
    """The applicant's (or delegate's) own bundle, or one with a child inside an official's scope; else NotFound."""
    application = BundleApplication.objects.select_related("bundle").filter(number=number).first()
    if application is None:
        raise NotFound(_("联办件不存在"), field="number")
    if user.pk in {application.submitted_by_id, application.on_behalf_of_id}:
        return application
    children = Application.objects.filter(bundle_child__bundle_application=application)
    if scope_queryset(user, children).exists():
        return application
    raise NotFound(_("联办件不存在"), field="number")


def status_rows(children: Sequence[BundleChild], *, withdrawn: bool = False) -> list[dict[str, Any]]:
    rows = []
    not_started = gettext("已撤回，不再办理") if withdrawn else gettext("等待前置事项办结")
    for c in children:
        app = c.application
        rows.append(
            {
                "item": c.bundle_item.item.name,
                "department": c.bundle_item.item.department.name,
                "application": app,
                "state": app.get_state_display() if app else not_started,
                "due_on": app.due_on if app else None,
                "waiting_for": [d.item.name for d in c.bundle_item.depends_on.all()]
                if app is None and not withdrawn
                else [],
                "start_error": c.start_error,
            }
        )
    return rows


def children_of(application: BundleApplication) -> list[BundleChild]:
    return _children(application)
