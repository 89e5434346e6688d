"""The lifecycle of an application (办件), as one explicit transition table.

Each action names the states it may start from, the state it leads to, and who may take it: the applicant (or
their delegate) or an official of the implementing department inside their scope, with the role required. The
services consult this table and nothing else, so the lifecycle can be read (and reviewed) in one place.
Time limits count from acceptance (《行政许可法》第四十二条); the clock stops while suspended (挂起).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    CORRECTION_REQUESTED = "correction_requested", _("待补正")
    ACCEPTED = "accepted", _("审查中")
    SUSPENDED = "suspended", _("挂起")
    REFUSED = "refused", _("不予受理")
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")
    COMPLETED = "completed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


FINAL_STATES = frozenset({State.REFUSED, State.DENIED, State.COMPLETED, State.WITHDRAWN})
CLOCK_RUNNING = frozenset({State.ACCEPTED, State.APPROVED})

#: the tone of each state's status tag (docs/design.md): waiting on the applicant is a warning, a decision in their
#: favour a success, a refusal a danger; the tag always shows the state's label too, never colour alone
STATE_TONES: dict[str, str] = {
    State.SUBMITTED: "info",
    State.ACCEPTED: "info",
    State.CORRECTION_REQUESTED: "warning",
    State.SUSPENDED: "warning",
    State.APPROVED: "success",
    State.COMPLETED: "success",
    State.REFUSED: "danger",
    State.DENIED: "danger",
    State.WITHDRAWN: "neutral",
}


class Actor(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    OFFICIAL = "official", _("工作人员")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actor: str
    role: str = ""  # the role an official needs (accounts.roles)
    label: Any = ""


def _t(action: str, sources: set[str], target: str, actor: str, role: str, label: Any) -> Transition:
    return Transition(action, frozenset(sources), target, actor, role, label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("accept", {State.SUBMITTED}, State.ACCEPTED, Actor.OFFICIAL, "acceptor", _("受理")),
        _t("accept_with_deficiency", {State.SUBMITTED}, State.ACCEPTED, Actor.OFFICIAL, "acceptor", _("容缺受理")),
        _t("refuse", {State.SUBMITTED}, State.REFUSED, Actor.OFFICIAL, "acceptor", _("不予受理")),
        _t("request_correction", {State.SUBMITTED}, State.CORRECTION_REQUESTED, Actor.OFFICIAL, "acceptor",
           _("一次性告知补正")),
        _t("resubmit", {State.CORRECTION_REQUESTED}, State.SUBMITTED, Actor.APPLICANT, "", _("补正后重新提交")),
        _t("suspend", {State.ACCEPTED}, State.SUSPENDED, Actor.OFFICIAL, "approver", _("挂起")),
        _t("resume", {State.SUSPENDED}, State.ACCEPTED, Actor.OFFICIAL, "approver", _("恢复办理")),
        _t("approve", {State.ACCEPTED}, State.APPROVED, Actor.OFFICIAL, "approver", _("准予许可")),
        _t("approve_on_commitment", {State.SUBMITTED, State.ACCEPTED}, State.APPROVED, Actor.OFFICIAL, "approver",
           _("告知承诺审批")),
        _t("deny", {State.ACCEPTED}, State.DENIED, Actor.OFFICIAL, "approver", _("不予许可")),
        _t("complete", {State.APPROVED}, State.COMPLETED, Actor.OFFICIAL, "approver", _("办结并送达")),
        _t("withdraw", {State.SUBMITTED, State.CORRECTION_REQUESTED, State.ACCEPTED, State.SUSPENDED},
           State.WITHDRAWN, Actor.APPLICANT, "", _("撤回申请")),
    )
}  # fmt: skip


def allowed_actions(state: str, actor: str) -> list[Transition]:
    """The actions an actor of this kind may take from ``state`` (for buttons and API discovery)."""
    return [t for t in TRANSITIONS.values() if state in t.sources and t.actor == actor]
