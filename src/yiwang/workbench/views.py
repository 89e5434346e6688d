"""Officials' pages: overview and registry lists, always inside the official's scope."""

from __future__ import annotations

from collections import Counter

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.scopes import user_scopes
from yiwang.applications.deadlines import COLOUR_TEXT, deadline_colour
from yiwang.applications.selectors import inbox_for
from yiwang.core.workdays import WorkingDays
from yiwang.registries.masking import mask_id_number, mask_name
from yiwang.registries.selectors import entities_for, persons_for


def _list_template(request: HttpRequest, full: str, partial: str) -> str:
    return partial if getattr(request, "htmx", False) else full


@official_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    days = WorkingDays()
    colours = Counter(
        deadline_colour(a, days=days)
        for a in inbox_for(user).only("state", "due_on", "item_id", "department_id", "division_id")
    )
    return render(
        request,
        "workbench/home.html",
        {
            "deadline_counts": [
                (c, COLOUR_TEXT[c], colours.get(c, 0)) for c in ("red", "yellow", "green", "paused", "")
            ],
            "scopes": user_scopes(user),
            "entity_count": entities_for(user).count(),
            "person_count": persons_for(user).count(),
        },
    )


@official_required
def entities(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(entities_for(request.user, query=q).select_related("legal_representative"), 25).get_page(
        request.GET.get("page")
    )
    rows = [(e, mask_name(e.legal_representative.name)) for e in page]
    return render(
        request,
        _list_template(request, "workbench/entities.html", "workbench/_entities_table.html"),
        {"page": page, "rows": rows, "q": q},
    )


@official_required
def persons(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(persons_for(request.user, query=q), 25).get_page(request.GET.get("page"))
    rows = [(p, mask_id_number(p.id_number), mask_name(p.name)) for p in page]
    return render(
        request,
        _list_template(request, "workbench/persons.html", "workbench/_persons_table.html"),
        {"page": page, "rows": rows, "q": q},
    )
