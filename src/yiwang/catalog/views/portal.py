"""Public pages of the service catalogue: the search page (with htmx live results) and an item's guide (办事指南)."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.catalog.forms import ServiceSearchForm
from yiwang.catalog.models import ITEM_CODE_PATTERN, ItemStatus, ServiceItem
from yiwang.catalog.search import search_items

RESULTS_LIMIT = 50


def search(request: HttpRequest) -> HttpResponse:
    """``/services/``: search box and filters; an htmx request gets only the results list."""
    form = ServiceSearchForm(request.GET or None)
    items: list[ServiceItem] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        items = search_items(
            data["q"],
            department=data["department"] or None,
            division=data["division"] or None,
            audience=data["audience"] or None,
            life_event=data["life_event"] or None,
            limit=RESULTS_LIMIT,
        )
    elif not form.is_bound:
        items = search_items("", limit=RESULTS_LIMIT)
    context = {"form": form, "items": items, "query": request.GET.get("q", "")}
    template = "catalog/_results.html" if getattr(request, "htmx", False) else "catalog/search.html"
    return render(request, template, context)


def guide(request: HttpRequest, item_code: str) -> HttpResponse:
    """``/services/<item_code>/``: the guide of one published item."""
    item = (
        ServiceItem.objects.select_related("department", "division", "result_certificate_type")
        .filter(item_code=item_code, status=ItemStatus.PUBLISHED)
        .first()
        if re.match(ITEM_CODE_PATTERN, item_code)
        else None
    )
    if item is None:
        raise Http404
    materials = list(item.materials.select_related("certificate_type"))
    properties = (item.form_schema or {}).get("properties", {})
    fields = [
        {"name": name, "title": spec.get("title", name), "prefilled": "x-element" in spec}
        for name, spec in properties.items()
    ]
    return render(request, "catalog/guide.html", {"item": item, "materials": materials, "fields": fields})
