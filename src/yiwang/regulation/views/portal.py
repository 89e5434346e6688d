"""Public and firms' pages of 互联网+监管: the draw proof, the 行政行为码, results per firm, 'my inspections'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import User
from yiwang.certificates.pdf import qr_svg
from yiwang.core.errors import DomainError
from yiwang.registries.models import LegalEntity
from yiwang.regulation import forms
from yiwang.regulation.draw import json
from yiwang.regulation.models import Inspection, InspectionDraw, OfficerRating
from yiwang.regulation.services import cases, draws, inspections


def draw(request: HttpRequest, number: str) -> HttpResponse:
    """The public draw page: the commitment, the named randomness, the seed, the result, how to verify."""
    item = get_object_or_404(InspectionDraw.objects.select_related("plan", "redraw_of"), number=number)
    result = json.loads(item.result_json) if item.result_json else None
    visits = (result or {}).get("visits", [])
    names = dict(LegalEntity.objects.filter(uscc__in=[v["target"] for v in visits]).values_list("uscc", "name"))
    rows = [{**v, "name": names.get(v["target"], v["target"])} for v in visits]
    return render(
        request,
        "regulation/draw.html",
        {"draw": item, "rows": rows, "files": draws.FILES, "redraws": item.redraws.all()},
    )


def draw_file(request: HttpRequest, number: str, name: str) -> HttpResponse:
    item = get_object_or_404(InspectionDraw, number=number)
    files = draws.published_files(item)
    if name not in files or (name == "result.json" and not item.result_json):
        raise Http404
    response = HttpResponse(files[name], content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def code(request: HttpRequest, code: str) -> HttpResponse:
    """What the 行政行为码 (QR) opens: officers and items, then the result; the firm rates the officers here."""
    visit = get_object_or_404(Inspection.objects.select_related("target__entity"), code=code)
    user = request.user
    is_firm = bool(user.is_authenticated and getattr(user, "enterprise_uscc", "") == visit.target.entity.uscc)
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and is_firm and form.is_valid():
        try:
            inspections.rate_inspection(visit, user=user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("regulation:code", code=code)
    return render(
        request,
        "regulation/code.html",
        {
            "visit": visit,
            "officers": visit.officer_list(),
            "items": inspections.items_of(visit),
            "departments": inspections.departments_of(visit),
            "draws": {p.draw for p in visit.active_parts()},
            "is_firm": is_firm,
            "rating": OfficerRating.objects.filter(inspection=visit).first(),
            "form": form,
            "qr": qr_svg(request.build_absolute_uri(), scale=3, title=_("行政行为码")),
        },
    )


def results(request: HttpRequest, uscc: str) -> HttpResponse:
    """The public results of inspections and the penalty decisions under one firm's name."""
    entity = get_object_or_404(LegalEntity, uscc=uscc)
    decisions = [c for c in cases.published_decisions() if c.entity_id == entity.pk]
    return render(
        request,
        "regulation/results.html",
        {"entity": entity, "inspections": inspections.published_for(entity), "decisions": decisions},
    )


def decisions(request: HttpRequest) -> HttpResponse:
    return render(request, "regulation/decisions.html", {"decisions": cases.published_decisions()})


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """The firm's 'my inspections': proofs, officers, results, ratings, and the year's burden across departments."""
    user: User = request.user
    entity = LegalEntity.objects.filter(uscc=user.enterprise_uscc).first() if user.enterprise_uscc else None
    visits = (
        Inspection.objects.filter(target__entity=entity, parts__active=True).distinct().order_by("-period_start")
        if entity
        else Inspection.objects.none()
    )
    year = timezone.localdate().year
    return render(
        request,
        "regulation/mine.html",
        {
            "entity": entity,
            "visits": visits,
            "burden": inspections.burden(entity, year) if entity else {},
            "year": year,
        },
    )
