"""Demo applications in every state, for the demo city's citizen and enterprise agent (idempotent).

The states, the steps that reach them and what a demo applicant types are data (``data/applications/
applications.yaml``). Each state is reached through the real services (submit, then the lifecycle steps by the demo
official of the item's department), so the timeline, deadlines and audit entries are what production would produce.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.models import User
from yiwang.applications.feedback import rate_application
from yiwang.applications.intake import applicant_identity
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application
from yiwang.applications.services import act, certificate_content, certificates_for_materials, submit_application
from yiwang.catalog.models import ServiceItem
from yiwang.certificates.schema import validate_content
from yiwang.core.errors import ValidationFailed

__all__ = ["APPLICATIONS_YAML", "demo_plan", "ensure_demo_applications"]

APPLICATIONS_YAML = Path(__file__).with_name("data") / "applications" / "applications.yaml"


@cache
def demo_plan() -> dict[str, Any]:
    """The demo file: ``states`` (state → steps), ``withdrawal_note``, ``rating``, ``text_answers``."""
    with APPLICATIONS_YAML.open(encoding="utf-8") as handle:
        plan = yaml.safe_load(handle)
    unknown = set(plan["states"]) - set(State.values)
    if unknown:
        raise ValueError(f"unknown states in {APPLICATIONS_YAML.name}: {sorted(unknown)}")
    return plan


def _paths() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """State → the steps after submission that reach it (action, the details it needs)."""
    return {
        state: [(step["action"], {k: v for k, v in step.items() if k != "action"}) for step in steps]
        for state, steps in demo_plan()["states"].items()
    }


def _value(spec: dict[str, Any]) -> Any:
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("format") == "date":
        return (date.today() - timedelta(days=365)).isoformat()
    if spec.get("type") in {"integer", "number"}:
        return max(int(spec.get("minimum", 1)), 1)
    if spec.get("type") == "boolean":
        return True
    title = str(spec.get("title", ""))
    answers = demo_plan()["text_answers"]
    answer = next((a["answer"] for a in answers if any(w in title for w in a["words"])), f"{title}（演示）")
    return answer[: spec.get("maxLength", 200)]


def _form_data(item: ServiceItem) -> dict[str, Any]:
    return {
        name: _value(spec)
        for name, spec in (item.form_schema.get("properties") or {}).items()
        if "x-element" not in spec
    }


def _uploads(item: ServiceItem, applicant: User) -> dict[int, Any]:
    """A small file for every material no e-certificate of the applicant covers (免提交 covers the rest)."""
    holder_id, _name = applicant_identity(applicant)
    covered = certificates_for_materials(item, holder_id)
    uploads = {}
    for m in item.materials.all():
        if m.pk in covered:
            continue
        extension = "pdf" if "pdf" in m.file_types else m.file_types.split(",")[0].strip()
        uploads[m.pk] = SimpleUploadedFile(f"{m.name}.{extension}", b"%PDF-1.4 demo material")
    return uploads


def _official_for(item: ServiceItem) -> User | None:
    return (
        User.objects.filter(kind=User.Kind.OFFICIAL, assignments__department=item.department)
        .distinct()
        .order_by("pk")
        .first()
    )


def _completable(item: ServiceItem) -> bool:
    """Whether the item's result certificate can be filled from a demo application's form (see
    ``services.certificate_content``); items producing no certificate always can."""
    cert_type = item.result_certificate_type
    if cert_type is None:
        return True
    bound = {n: "演示" for n, spec in (item.form_schema.get("properties") or {}).items() if "x-element" in spec}
    probe = Application(item=item, form_data={**bound, **_form_data(item)}, applicant_name="演示")  # as if prefilled
    try:
        validate_content(cert_type.schema, certificate_content(probe, cert_type.schema))
    except ValidationFailed:
        return False
    return True


def _submit_demo(item: ServiceItem, applicant: User, key: str) -> tuple[Application, bool]:
    existed = Application.objects.filter(submitted_by=applicant, idempotency_key=key).exists()
    application = submit_application(
        item, user=applicant, form_data=_form_data(item), idempotency_key=key, uploads=_uploads(item, applicant)
    )
    return application, not existed


def ensure_demo_applications(applicant: User, items: list[ServiceItem]) -> int:
    """One application per state for ``applicant``: on the first item an official handles by hand, except that a
    completed case comes from a 秒批 item when the manual item's result cannot be filled from the demo form."""
    staffed = [(item, _official_for(item)) for item in items]
    by_hand = [(i, o) for i, o in staffed if o is not None and not i.approval_rules.strip()]
    manual = next(((i, o) for i, o in by_hand if _completable(i)), by_hand[0] if by_hand else None)
    automatic = next((i for i, o in staffed if i.approval_rules.strip()), None)
    if manual is None:
        return 0
    item, official = manual
    assert official is not None
    completable = _completable(item)
    created = 0
    plan = demo_plan()
    for state, steps in _paths().items():
        if state == State.COMPLETED and not completable:
            if automatic is None:
                continue
            application, new = _submit_demo(automatic, applicant, f"demo-{automatic.pk}-{state}")  # completes at once
        else:
            application, new = _submit_demo(item, applicant, f"demo-{item.pk}-{state}")
            if new:
                for action, details in steps:
                    act(application, action, actor=official, **details)
        if not new:
            continue
        created += 1
        if state == State.WITHDRAWN:
            act(application, "withdraw", actor=applicant, note=plan["withdrawal_note"])
        if state == State.COMPLETED and Application.objects.get(pk=application.pk).state == State.COMPLETED:
            rate_application(Application.objects.get(pk=application.pk), actor=applicant, **plan["rating"])
    return created
