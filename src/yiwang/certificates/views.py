"""Pages: public verification (核验), the holder's wallet (我的证照), a certificate and its PDF."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yiwang.accounts.http import AuthedRequest
from yiwang.certificates import services
from yiwang.certificates.models import HolderKind
from yiwang.certificates.pdf import qr_svg, render_certificate_pdf
from yiwang.core import audit
from yiwang.core.errors import NotFound
from yiwang.registries import masking


def verification_url(request: HttpRequest, number: str) -> str:
    """The absolute URL of a certificate's public verification page, as printed in its QR code.

    ``YIWANG_PUBLIC_BASE_URL`` (e.g. ``https://zwfw.example.gov.cn``) wins over the request's host, so that a
    certificate downloaded on an intranet host still points the public to the public address.
    """
    path = services.verification_path(number)
    base = getattr(settings, "YIWANG_PUBLIC_BASE_URL", "")
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


def _render_verification(request: HttpRequest, number: str) -> HttpResponse:
    result = services.verify_certificate(number) if number else None
    masked_holder = ""
    if result is not None and result.certificate is not None:
        cert = result.certificate
        if cert.cert_type.holder_kind == HolderKind.ENTERPRISE:  # public anyway (企业信用信息公示)
            masked_holder = f"{cert.holder_name}（{cert.holder_id}）"
        else:
            shown = masking.mask_view(
                [("name", masking.NAME, cert.holder_name), ("id", masking.ID_NUMBER, cert.holder_id)]
            )
            masked_holder = f"{shown['name']}（{shown['id']}）"
    status = 404 if result is not None and result.status == services.VerificationStatus.NOT_FOUND else 200
    return render(
        request,
        "certificates/verify.html",
        {"number": number, "result": result, "masked_holder": masked_holder},
        status=status,
    )


def verify(request: HttpRequest) -> HttpResponse:
    """The public verification form; ``?number=`` shows the result below it."""
    return _render_verification(request, request.GET.get("number", "").strip()[:64])


def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    """The page a certificate's QR code opens."""
    return _render_verification(request, number[:64])


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """The holder's wallet (我的证照): a person's certificates, or their enterprise's for an agent."""
    holder_ids = services.holder_ids_of(request.user)
    certificates = services.certificates_of(holder_ids[0]) if holder_ids else None
    return render(request, "certificates/mine.html", {"certificates": certificates, "has_identity": bool(holder_ids)})


def _visible_or_404(request: AuthedRequest, number: str):
    try:
        return services.get_visible_certificate(request.user, number)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@login_required
def detail(request: AuthedRequest, number: str) -> HttpResponse:
    cert = _visible_or_404(request, number)
    url = verification_url(request, cert.number)
    return render(
        request,
        "certificates/detail.html",
        {
            "cert": cert,
            "rows": cert.content_rows(),
            "verification": services.verify_certificate(cert),
            "verify_url": url,
            "qr": qr_svg(url),
        },
    )


@login_required
def pdf(request: AuthedRequest, number: str) -> HttpResponse:
    """The certificate as a PDF. A download by anyone but the holder is a data export and is audited."""
    cert = _visible_or_404(request, number)
    if cert.damaged:  # a damaged certificate is not printed as if it were one
        return redirect("certificates:detail", number=cert.number)
    if cert.holder_id not in services.holder_ids_of(request.user):
        audit.record("certificate.export_pdf", actor=request.user, obj=cert, data={"type": cert.cert_type.code})
    content = render_certificate_pdf(
        cert, verify_url=verification_url(request, cert.number), verification=services.verify_certificate(cert)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return response
