"""The receipt (受理回执 / 申请凭证) of an application as a PDF, with a QR code of its progress page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext

from yiwang.applications.models import Application
from yiwang.certificates.pdf import offline_url_fetcher, qr_svg


def render_receipt_pdf(application: Application, *, status_url: str) -> bytes:
    """One page: number, item, applicant (ID masked), time, materials (免提交 ones named), deadline, QR code."""
    from weasyprint import HTML  # loads pango at import time; only PDF requests need it

    html = render_to_string(
        "applications/receipt.html",
        {
            "a": application,
            "materials": application.materials.select_related("requirement", "certificate"),
            "qr": qr_svg(status_url, scale=4, title=gettext("办件进度查询二维码")),
            "status_url": status_url,
        },
    )
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
