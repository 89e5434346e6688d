"""Window intake (大厅端窗口收件) and assisted applications (帮代办), each confirmed by the applicant's SMS code.

1. :func:`start_confirmation`: the helper (a window official acting for the item's department, or a community
   worker holding the ``community_helper`` role over the applicant's division) names the applicant by ID number
   and name; both are checked against the population registry (人口库), the applicant's account is found (or
   opened as a real-name account from the registry), and a six-digit code goes by SMS (``core.notify``) to the
   phone the registry holds. Audited.
2. :func:`confirm_and_submit`: the helper enters the application and the code the applicant reads out (or types
   on the pad); a wrong code counts a try (five at most, ten minutes); the right one submits the application in
   the applicant's own name, with its channel and helper, confirms the row and writes the consent to the ledger,
   in one transaction. The applicant sees the case among their own.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Role, User
from yiwang.accounts.permissions import acts_for, require_acts_for, require_authenticated
from yiwang.applications.models import Application, Channel
from yiwang.applications.services import submit_application
from yiwang.catalog.models import ServiceItem
from yiwang.channels.models import Confirmation
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import is_valid_id_number, normalize_identifier
from yiwang.core.keys import index_of
from yiwang.registries.models import Person

__all__ = [
    "CODE_ATTEMPTS",
    "CODE_MINUTES",
    "HELPER_ROLE",
    "applicant_account",
    "check_identity",
    "confirm_and_submit",
    "ensure_helper_role",
    "start_confirmation",
]

#: the role of a community or grid worker who may apply for residents of their division (帮代办员)
HELPER_ROLE = "community_helper"
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
_CHANNEL_OF_KIND = {Confirmation.Kind.WINDOW: Channel.WINDOW, Confirmation.Kind.ASSISTED: Channel.ASSISTED}


def ensure_helper_role() -> Role:
    """The 帮代办员 role (idempotent): granted to community and grid workers over their community's division."""
    role, _created = Role.objects.get_or_create(code=HELPER_ROLE, defaults={"name": str(_("社区帮代办员"))})
    return role


def check_identity(id_number: str, name: str) -> Person:
    """The person of the population registry with this ID number and name (人口库核验), alive; else refused."""
    id_number = normalize_identifier(id_number or "")
    if not is_valid_id_number(id_number):
        raise ValidationFailed(_("公民身份号码格式或校验码不正确"), field="id_number")
    person = Person.objects.with_id_number(id_number).select_related("division").first()
    if person is None or person.name != (name or "").strip():
        raise ValidationFailed(_("人口库核验未通过：身份号码与姓名不一致，请核对身份证件"), field="name")
    if person.is_deceased:
        raise ValidationFailed(_("人口库核验未通过：该人员已登记死亡"), field="id_number")
    return person


def applicant_account(person: Person) -> User:
    """The person's real-name account, opened from the registry (no password: they sign in by 统一身份认证) if new."""
    user = User.objects.filter(id_number_index=index_of(person.id_number)).first()
    if user is not None:
        if user.kind != User.Kind.PERSON:
            raise PermissionDenied(_("该身份号码关联的不是个人账户，不能以个人名义申请"), field="id_number")
        if not (user.phone or "").strip() and person.phone:  # the registry's number is the one to confirm with
            user.phone = person.phone
            user.save(update_fields=["phone"])
        return user
    user = User(
        username=f"p{sm3_hex(person.id_number.encode())[:15]}",
        kind=User.Kind.PERSON,
        id_number=person.id_number,
        full_name=person.name,
        phone=person.phone or "",
    )
    user.set_unusable_password()
    user.save()
    return user


def _digest(confirmation_token: Any, code: str) -> str:
    return sm3_hex(f"{confirmation_token}:{code}".encode())


def _require_helper(helper: User, kind: str, item: ServiceItem, person: Person) -> None:
    if kind == Confirmation.Kind.WINDOW:
        require_acts_for(
            helper,
            item.department,
            division=item.division_id,
            roles=["acceptor"],
            message=_("只有该事项实施部门的受理人员可以窗口收件"),
            field="item",
        )
    elif not acts_for(helper, None, division=person.division_id, roles=[HELPER_ROLE]):
        raise PermissionDenied(_("您不是该申请人所在社区的帮代办员，不能为其代办"), field="id_number")


@transaction.atomic
def start_confirmation(helper: User, item: ServiceItem, *, id_number: str, name: str, kind: str) -> Confirmation:
    """Check the applicant in the registry and send them a confirmation code by SMS; returns the pending row."""
    from yiwang.core.notify import notify

    helper = require_authenticated(helper)
    if kind not in Confirmation.Kind.values:
        raise ValidationFailed(_("未知的办事渠道"), field="kind")
    if not item.is_published:
        raise Conflict(_("该事项未发布，暂不能申请"), field="item")
    if item.audience not in {"person", "both"}:
        raise ValidationFailed(_("窗口收件和帮代办只受理个人事项；企业事项请由经办人申请"), field="item")
    person = check_identity(id_number, name)
    _require_helper(helper, kind, item, person)
    applicant = applicant_account(person)
    if not (applicant.phone or "").strip():
        raise ValidationFailed(_("人口库中没有该申请人的手机号码，无法发送验证码：请先更新联系方式"), field="id_number")
    if applicant.pk == helper.pk:
        raise PermissionDenied(_("不能为自己代办"), field="id_number")
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    confirmation = Confirmation(
        kind=kind,
        helper=helper,
        applicant=applicant,
        item=item,
        sent_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    confirmation.code_digest = _digest(confirmation.token, code)
    confirmation.save()
    helper_name = helper.full_name or helper.username
    notify(
        applicant,
        str(_("办事确认验证码")),
        str(
            _("%(helper)s 正在为您办理“%(item)s”，验证码 %(code)s，%(minutes)s 分钟内有效。如非本人办理，请勿告知他人")
            % {"helper": helper_name, "item": item.name, "code": code, "minutes": CODE_MINUTES}
        ),
        channels=("sms",),
        dedupe_key=f"confirmation:{confirmation.pk}:code",
        obj=confirmation,
    )
    audit.record(
        f"channels.{kind}.code_sent",
        actor=helper,
        on_behalf_of=applicant.username,
        obj=confirmation,
        data={"item": item.item_code, "kind": kind},
    )
    return confirmation


@transaction.atomic
def _count_wrong_code(confirmation: Confirmation) -> int:
    locked = Confirmation.objects.select_for_update().get(pk=confirmation.pk)
    locked.attempts += 1
    locked.save(update_fields=["attempts"])
    return locked.attempts


def _check_code(confirmation: Confirmation, helper: User, code: str) -> None:
    """Refuses an expired, used or exhausted code; a wrong code counts a try (committed even though refused)."""
    if confirmation.helper_id != helper.pk:
        raise PermissionDenied(_("只有发起确认的工作人员可以继续办理"), field="code")
    if confirmation.is_confirmed:
        raise Conflict(_("该验证码已使用"), field="code")
    if timezone.now() > confirmation.expires_at:
        raise ValidationFailed(_("验证码已过期，请重新发送"), field="code")
    if confirmation.attempts >= CODE_ATTEMPTS:
        raise ValidationFailed(_("验证码输错次数过多，请重新发送"), field="code")
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()) or not secrets.compare_digest(
        _digest(confirmation.token, code), confirmation.code_digest
    ):
        tries = _count_wrong_code(confirmation)
        raise ValidationFailed(
            _("验证码不正确（还可再试 %(n)s 次）") % {"n": max(CODE_ATTEMPTS - tries, 0)}, field="code"
        )


def confirm_and_submit(
    confirmation: Confirmation,
    helper: User,
    *,
    code: str,
    form_data: dict[str, Any],
    idempotency_key: str,
    uploads: dict[int, Any] | None = None,
) -> Application:
    """With the applicant's code, submit the application in their name (channel, helper recorded); one transaction.

    A repeated submission of a confirmed row with its idempotency key returns the application it produced.
    """
    confirmation = Confirmation.objects.select_related("item", "applicant").get(pk=confirmation.pk)
    if confirmation.application_id is not None and confirmation.helper_id == helper.pk:
        existing = confirmation.application
        if existing is not None and existing.idempotency_key == idempotency_key:
            return existing
    _check_code(confirmation, helper, code)
    with transaction.atomic():
        locked = Confirmation.objects.select_for_update().get(pk=confirmation.pk)
        if locked.is_confirmed:
            raise Conflict(_("该验证码已使用"), field="code")
        application = submit_application(
            confirmation.item,
            user=confirmation.applicant,
            form_data=form_data,
            idempotency_key=idempotency_key,
            uploads=uploads,
            channel=_CHANNEL_OF_KIND[Confirmation.Kind(locked.kind)],
            assisted_by=helper,
        )
        locked.confirmed_at = timezone.now()
        locked.application = application
        locked.save(update_fields=["confirmed_at", "application"])
        audit.record(
            f"channels.{locked.kind}.confirmed",
            actor=helper,
            on_behalf_of=confirmation.applicant.username,
            obj=application,
            reason=str(_("申请人以短信验证码确认")),
            data={
                "confirmation": str(locked.token),
                "method": locked.method,
                "no": application.application_no,
                "attempts": locked.attempts,
            },
        )
    return application
