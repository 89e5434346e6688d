"""Admin views of 免申即享: read-mostly; business changes go through ``services`` (audited)."""

from __future__ import annotations

from django.contrib import admin

from yiwang.policies.models import MatchRun, Objection, Offer, Payout, PayoutBatch, Policy, PolicyVersion


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "department", "route", "status", "budget_total", "budget_committed"]
    list_filter = ["status", "route", "kind"]
    search_fields = ["code", "title"]
    readonly_fields = ["current_version", "budget_committed"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["policy", "number", "created_by", "created_at"]
    readonly_fields = ["policy", "number", "rules", "created_by", "created_at"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "as_of", "entity_count", "offers_created", "amounts_total", "seconds"]
    exclude = ["uscc_order"]
    readonly_fields = ["started_at", "finished_at", "as_of", "snapshot_hash", "entity_count", "counts", "amounts_total"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["policy", "uscc", "entity_name", "amount", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["uscc", "entity_name"]
    readonly_fields = ["run", "policy", "version", "uscc", "amount", "explanation", "decided_by", "decided_at"]


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ["offer", "amount", "bank_account_masked", "status", "batch"]
    list_filter = ["status"]
    exclude = ["bank_account"]  # masked only; the payment file is the one place the full account appears
    readonly_fields = ["offer", "policy", "amount", "bank_account_masked", "batch"]


@admin.register(PayoutBatch)
class PayoutBatchAdmin(admin.ModelAdmin):
    list_display = ["policy", "created_at", "payout_count", "total", "paid_at"]
    readonly_fields = ["policy", "created_by", "payout_count", "total", "file_hash", "paid_at"]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["policy", "uscc", "subject", "status", "created_at"]
    list_filter = ["status"]
