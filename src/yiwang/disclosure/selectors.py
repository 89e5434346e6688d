"""Scoped reads: the public sees what is published; an official sees the rows of the departments he acts for."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from yiwang.accounts.models import Department, User
from yiwang.accounts.scopes import user_scopes
from yiwang.disclosure.models import DisclosureRequest, LivelihoodRound, PolicyDocument, Question


def departments_for(user: User) -> QuerySet[Department]:
    """The departments an official acts for (every department for an administrator)."""
    if user.is_administrator:
        return Department.objects.order_by("code")
    return Department.objects.filter(pk__in={s.department_id for s in user_scopes(user)}).order_by("code")


def published_documents() -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.exclude(status=PolicyDocument.Status.DRAFT).select_related("issuer")


def documents_for(user: User) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.filter(issuer__in=departments_for(user)).select_related("issuer")


def requests_for(user: User) -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(department__in=departments_for(user)).select_related("department")


def rounds_for(user: User) -> QuerySet[LivelihoodRound]:
    """Rounds the official organises, or in which one of his departments is responsible for a candidate."""
    departments = departments_for(user)
    return (
        LivelihoodRound.objects.filter(Q(organiser__in=departments) | Q(candidates__department__in=departments))
        .select_related("division", "organiser")
        .distinct()
    )


def questions_for(user: User) -> QuerySet[Question]:
    """Handed-off questions of the official's departments, and those nobody was assigned."""
    return Question.objects.filter(Q(department__in=departments_for(user)) | Q(department__isnull=True)).exclude(
        status=Question.Status.ANSWERED
    )


def candidates_of(round_: LivelihoodRound) -> Any:
    """A round's candidates with their proposal count, average rating and the tracked item's colour."""
    return (
        round_.candidates.select_related("department", "item__current_colour", "carried_from")
        .annotate(
            proposal_count=Count("proposals", distinct=True),
            rating=Avg("ratings__score"),
            raters=Count("ratings", distinct=True),
        )
        .prefetch_related("comments", "proposals")
        .order_by("-chosen", "-votes", "code")
    )
