"""The printable certificate: an SVG QR code (segno) and a PDF (WeasyPrint) with the Chinese font embedded.

Fonts come from the operating system through fontconfig (Debian ``fonts-noto-cjk``: "Noto Sans CJK SC"); WeasyPrint
subsets and embeds them, so the PDF reads the same on a machine without them. Nothing is fetched over the network:
the document has no external resources, and the URL fetcher refuses any that might slip in.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from yiwang.certificates.models import Certificate
from yiwang.certificates.services import VerificationResult

__all__ = ["offline_url_fetcher", "qr_svg", "render_certificate_pdf"]


def qr_svg(url: str, *, scale: int = 3, title: str | None = None) -> SafeString:
    """An inline SVG QR code (error correction M) of ``url``, titled for screen readers."""
    svg = segno.make(url, error="m").svg_inline(
        scale=scale,
        title=title or gettext("电子证照核验二维码"),
        desc=url,
        svgclass="yw-qr",
        lineclass=None,
        omitsize=False,
    )
    return mark_safe(svg)  # noqa: S308 - segno escapes the title and description; the rest is path data


def offline_url_fetcher() -> Any:
    """A WeasyPrint fetcher that loads ``data:`` URLs only: a stray ``http(s)://`` or ``file://`` is refused."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"], timeout=1)


def render_certificate_pdf(cert: Certificate, *, verify_url: str, verification: VerificationResult) -> bytes:
    """The certificate as a PDF: its fields, validity, status, signature data and the QR code of ``verify_url``."""
    from weasyprint import HTML  # imported here: it loads pango at import time, which pages without a PDF don't need

    html = render_to_string(
        "certificates/pdf.html",
        {
            "cert": cert,
            "rows": cert.content_rows(),
            "verify_url": verify_url,
            "qr": qr_svg(verify_url, scale=4),
            "verification": verification,
        },
    )
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
