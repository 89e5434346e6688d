"""Officials' registry pages: the entity and person lists of the official's scope, a person's record (masked, or in
clear for a stated purpose), an entity's record with history and credit, and the inbox of discrepancy reports for
the authoritative source to resolve."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.core.errors import DomainError, NotFound
from yiwang.core.forms import add_domain_error, errors_text
from yiwang.registries.access import PERSON_FIELDS, can_unmask, declarable_purposes, mask_value, read_person
from yiwang.registries.credit import current_rating
from yiwang.registries.forms import ResolveDiscrepancyForm, UnmaskForm
from yiwang.registries.importing import export_entities_csv, export_persons_csv
from yiwang.registries.selectors import discrepancies_for, entities_for, persons_for, provenance_rows
from yiwang.registries.services import history, resolve_discrepancy

PERSON_LABELS = {
    "id_number": gettext_lazy("公民身份号码"),
    "name": gettext_lazy("姓名"),
    "gender": gettext_lazy("性别"),
    "birth_date": gettext_lazy("出生日期"),
    "ethnicity": gettext_lazy("民族"),
    "division": gettext_lazy("户籍地行政区划"),
    "address": gettext_lazy("户籍地址"),
    "phone": gettext_lazy("手机号码"),
    "is_deceased": gettext_lazy("死亡标识"),
}


def _list_template(request: HttpRequest, full: str, partial: str) -> str:
    return partial if getattr(request, "htmx", False) else full


@official_required
def entities(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(entities_for(request.user, query=q).select_related("legal_representative"), 25).get_page(
        request.GET.get("page")
    )
    rows = [(e, mask_value("entity", "legal_representative", e.legal_representative.name)) for e in page]
    return render(
        request,
        _list_template(request, "registries/workbench/entities.html", "registries/workbench/_entities_table.html"),
        {"page": page, "rows": rows, "q": q},
    )


@official_required
def persons(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(persons_for(request.user, query=q), 25).get_page(request.GET.get("page"))
    rows = [(p, mask_value("person", "id_number", p.id_number), mask_value("person", "name", p.name)) for p in page]
    return render(
        request,
        _list_template(request, "registries/workbench/persons.html", "registries/workbench/_persons_table.html"),
        {"page": page, "rows": rows, "q": q},
    )


@official_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = persons_for(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    purposes = declarable_purposes(request.user, person)
    form = UnmaskForm(request.POST if request.method == "POST" else None, purposes=purposes)
    purpose = form.declaration() if form.is_bound and form.is_valid() else ""
    try:
        data = read_person(request.user, person, purpose=purpose)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        add_domain_error(form, exc)
        data = read_person(request.user, person)
    error = errors_text(form) if form.is_bound else ""
    context = {
        "person": person,
        "rows": [(PERSON_LABELS[f], data[f]) for f in PERSON_FIELDS],
        "unmasked": bool(purpose) and not error,
        "can_unmask": can_unmask(request.user, person),
        "error": error,
        "purpose": form.shown(purposes) if purpose and not error else "",
        "purposes": purposes,
        "versions": history(person),
    }
    template = "registries/workbench/_person_card.html" if request.htmx else "registries/workbench/person_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@official_required
def entity_detail(request: AuthedRequest, uscc: str) -> HttpResponse:
    entity = entities_for(request.user).filter(uscc=uscc.upper()).select_related("legal_representative").first()
    if entity is None:
        raise Http404
    rows = [r for r in provenance_rows(entity) if r.field != "legal_representative"]
    return render(
        request,
        "registries/workbench/entity_detail.html",
        {
            "entity": entity,
            "rows": rows,
            "versions": history(entity),
            "credit": entity.credit.select_related("department").all(),
            "rating": current_rating(entity),
        },
    )


@official_required
def discrepancies(request: AuthedRequest) -> HttpResponse:
    reports = discrepancies_for(request.user)[:200]
    return render(request, "registries/workbench/discrepancies.html", {"reports": reports})


@official_required
@require_POST
def resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(discrepancies_for(request.user), pk=pk)
    form = ResolveDiscrepancyForm(request.POST)
    if form.is_valid():
        try:
            resolve_discrepancy(
                report,
                accept=form.cleaned_data["decision"] == "accept",
                actor=request.user,
                resolution=form.cleaned_data["resolution"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已处理该数据异议"))
    if form.errors:
        messages.error(request, errors_text(form))
    return redirect("registries:workbench:discrepancies")


@official_required
def export(request: AuthedRequest, registry: str) -> HttpResponse:
    """A CSV of the registry records in the official's scope, masked as on screen; the export is audited."""
    if registry not in {"persons", "entities"}:
        raise Http404
    q = request.GET.get("q", "").strip()
    if registry == "persons":
        text = export_persons_csv(request.user, persons_for(request.user, query=q).iterator(chunk_size=2000))
    else:
        text = export_entities_csv(
            request.user, entities_for(request.user, query=q).select_related("legal_representative").iterator(2000)
        )
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{registry}.csv"'
    return response
