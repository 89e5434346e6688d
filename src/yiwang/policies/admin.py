"""Admin views of 免申即享: read-only for every state that only a service may change (audited).

Offers, payouts, payment batches, matching runs, versions and objections are shown, never edited, added or deleted
here: a confirmation, a payment, an export or a decision on an objection goes through ``yiwang.policies.services``
and the audit ledger. Of a policy only its descriptive fields are editable; status and money are not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yiwang.policies.models import MatchRun, Objection, Offer, Payout, PayoutBatch, Policy, PolicyVersion


class ServiceStateAdmin(admin.ModelAdmin):
    """View only: no add, change or delete (the services own these rows)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "department", "route", "status", "budget_total", "budget_committed"]
    list_filter = ["status", "route", "kind"]
    search_fields = ["code", "title"]
    readonly_fields = ["code", "department", "current_version", "status", "budget_total", "budget_committed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a policy is created with its first rule version by services.create_policy

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ServiceStateAdmin):
    list_display = ["policy", "number", "created_by", "created_at"]


@admin.register(MatchRun)
class MatchRunAdmin(ServiceStateAdmin):
    list_display = ["started_at", "as_of", "entity_count", "offers_created", "amounts_total", "seconds"]
    exclude = ["uscc_order"]


@admin.register(Offer)
class OfferAdmin(ServiceStateAdmin):
    list_display = ["policy", "uscc", "entity_name", "amount", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["uscc", "entity_name"]


@admin.register(Payout)
class PayoutAdmin(ServiceStateAdmin):
    list_display = ["offer", "amount", "bank_account_masked", "status", "batch"]
    list_filter = ["status"]
    exclude = ["bank_account"]  # masked only; the payment file is the one place the full account appears


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ServiceStateAdmin):
    list_display = ["policy", "created_at", "payout_count", "total", "paid_at"]


@admin.register(Objection)
class ObjectionAdmin(ServiceStateAdmin):
    list_display = ["policy", "uscc", "subject", "status", "created_at"]
    list_filter = ["status"]
