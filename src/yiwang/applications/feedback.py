"""好差评: ratings of finished applications, rectification of bad ones, and public statistics."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.applications.intake import require_applicant
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application, Rating, Rectification
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.workdays import WorkingDays

#: 国务院办公厅《关于建立政务服务“好差评”制度提高政务服务水平的意见》(国办发〔2019〕51号): a bad rating is
#: verified and rectified, in principle within 15 working days, and the applicant is visited afterwards (回访).
RECTIFICATION_WORKING_DAYS = 15
BAD_SCORES = (1, 2)


@transaction.atomic
def rate_application(application: Application, *, actor: User, score: int, comment: str = "") -> Rating:
    """The applicant rates a completed application once; a score of 1–2 opens a rectification case."""
    require_applicant(application, actor, _("只有申请人可以评价"))
    if application.state != State.COMPLETED:
        raise Conflict(_("办结后才能评价"), field="state")
    if score not in Rating.Score.values:
        raise ValidationFailed(_("评价应为 1 至 5"), field="score")
    if score in BAD_SCORES and not comment.strip():
        raise ValidationFailed(_("差评请说明原因，便于整改"), field="comment")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(application=application, score=score, comment=comment.strip())
    except IntegrityError as exc:
        raise Conflict(_("该办件已评价"), field="application") from exc
    if score in BAD_SCORES:
        Rectification.objects.create(
            rating=rating,
            department=application.department,
            division=application.division,
            due_on=WorkingDays().add_working_days(timezone.localdate(), RECTIFICATION_WORKING_DAYS),
        )
    audit.record("application.rate", actor=actor, obj=application, data={"score": score})
    return rating


def _check_official(rectification: Rectification, actor: User) -> None:
    """An official acting for the rated department over the case's division (``accounts.permissions.acts_for``)."""
    require_acts_for(actor, rectification.department, division=rectification.division_id, message=_("您无权处理该差评"))


@transaction.atomic
def record_rectification(rectification: Rectification, *, actor: User, measures: str) -> Rectification:
    _check_official(rectification, actor)
    if rectification.status != Rectification.Status.OPEN:
        raise Conflict(_("该差评已整改"), field="status")
    if not measures.strip():
        raise ValidationFailed(_("请填写整改措施"), field="measures")
    rectification.measures, rectification.rectified_at = measures.strip(), timezone.now()
    rectification.status = Rectification.Status.RECTIFIED
    rectification.save()
    audit.record("application.rectify", actor=actor, obj=rectification, reason=measures)
    return rectification


@transaction.atomic
def record_follow_up(rectification: Rectification, *, actor: User, note: str, satisfied: bool) -> Rectification:
    """回访: the department calls the applicant back and records the outcome; this closes the case."""
    _check_official(rectification, actor)
    if rectification.status != Rectification.Status.RECTIFIED:
        raise Conflict(_("整改后才能回访"), field="status")
    if not note.strip():
        raise ValidationFailed(_("请填写回访记录"), field="note")
    rectification.follow_up, rectification.followed_up_at = note.strip(), timezone.now()
    rectification.applicant_satisfied = satisfied
    rectification.status = Rectification.Status.CLOSED
    rectification.save()
    audit.record("application.follow_up", actor=actor, obj=rectification, data={"satisfied": satisfied})
    return rectification


def public_statistics(by: str = "department") -> QuerySet[Any]:
    """Per department (or item): number of ratings, average score and share of good ratings (4–5), for the public."""
    field = {"department": "application__department__name", "item": "application__item__name"}[by]
    return (
        Rating.objects.values(field)
        .annotate(count=Count("pk"), average=Avg("score"), good=Count("pk", filter=Q(score__gte=4)))
        .order_by("-count")
    )
