"""Admin: certificate types are editable; keys and certificates are read-only (they change only through services)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from yiwang.certificates.models import Certificate, CertificateType, IssuerKey, Revocation


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuer_kind", "holder_kind", "validity_years"]
    list_filter = ["issuer_kind", "holder_kind"]
    search_fields = ["code", "name"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Signed or secret rows: editing them here would break signatures, so the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(_ReadOnlyAdmin):
    list_display = ["key_id", "department", "valid_from", "valid_until"]
    list_filter = ["department"]
    search_fields = ["key_id", "department__name"]
    exclude = ["private_key"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("private_key")  # never decrypted to be shown


@admin.register(Certificate)
class CertificateAdmin(_ReadOnlyAdmin):
    list_display = ["number", "cert_type", "department", "issued_at", "valid_until", "status"]
    list_filter = ["cert_type", "status"]
    search_fields = ["number"]  # not holder data: looking up a person's certificates is done in scope, audited
    date_hierarchy = "issued_at"


@admin.register(Revocation)
class RevocationAdmin(_ReadOnlyAdmin):
    list_display = ["certificate", "revoked_at", "issuer_key", "revoked_by"]
    search_fields = ["certificate__number"]
