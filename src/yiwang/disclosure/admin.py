"""Admin pages of 政务公开: read-only for what only a service may change (publication, replies, ballots, tallies)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.disclosure import models


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClauseInline(admin.TabularInline):
    model = models.DocumentClause
    fields = ("position", "label", "text", "policy", "item")
    raw_id_fields = ("policy", "item")
    extra = 0


@admin.register(models.PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "issuer", "signed_on", "status", "publication_due_on", "published_on")
    list_filter = ("status", "kind")
    search_fields = ("number", "title")
    readonly_fields = ("status", "publication_due_on", "published_on", "repealed_on")
    filter_horizontal = ("policies",)
    raw_id_fields = ("items",)
    inlines = [ClauseInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registered through the service, which splits the articles and counts the deadline


@admin.register(models.Interpretation)
class InterpretationAdmin(admin.ModelAdmin):
    list_display = ("title", "document", "kind", "author", "published_on")
    list_filter = ("kind",)
    search_fields = ("title", "document__number")


@admin.register(models.DisclosureRequest)
class DisclosureRequestAdmin(ReadOnly):
    list_display = ("number", "department", "requester_name", "received_on", "due_on", "status", "outcome")
    list_filter = ("status", "outcome")
    search_fields = ("number", "requester_name")


@admin.register(models.LivelihoodRound)
class LivelihoodRoundAdmin(ReadOnly):
    list_display = ("title", "year", "division", "organiser", "stage", "seats")


@admin.register(models.Candidate)
class CandidateAdmin(ReadOnly):
    list_display = ("code", "title", "round", "department", "feasibility", "on_ballot", "votes", "chosen", "item")
    list_filter = ("feasibility", "chosen")
    search_fields = ("code", "title")


@admin.register(models.Proposal)
class ProposalAdmin(ReadOnly):
    list_display = ("title", "round", "candidate", "similarity", "created_at")
    search_fields = ("title", "body")


@admin.register(models.Ballot)
class BallotAdmin(ReadOnly):
    list_display = ("serial", "round", "deputy", "source", "valid")
    list_filter = ("source", "valid")


@admin.register(models.ConsultationComment)
class ConsultationCommentAdmin(ReadOnly):
    list_display = ("candidate", "member", "stance", "recorded_at")


@admin.register(models.DeliveryRating)
class DeliveryRatingAdmin(ReadOnly):
    list_display = ("candidate", "score", "rated_at")


@admin.register(models.Question)
class QuestionAdmin(ReadOnly):
    list_display = ("text", "status", "confidence", "department", "asked_at")
    list_filter = ("status",)
    search_fields = ("text",)
