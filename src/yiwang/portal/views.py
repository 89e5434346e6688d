"""Citizen and enterprise pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import DomainError
from yiwang.core.forms import add_domain_error, errors_text
from yiwang.portal import frontdoor
from yiwang.portal.elder import ELDER_COOKIE, ELDER_COOKIE_AGE
from yiwang.portal.forms import ElderModeForm, ErrorReportForm
from yiwang.portal.life_events import ENTERPRISE_EVENTS, PERSON_EVENTS, event_by_slug
from yiwang.registries.models import LegalEntity, Person
from yiwang.registries.selectors import provenance_rows
from yiwang.registries.services import report_discrepancy

#: the searches shown under the home page's search box (大家都在搜): everyday words the catalogue knows
HOT_WORDS = ("居住证", "新生儿落户", "开饭店", "办退休", "公积金", "个税汇算", "结婚登记", "企业注销")


def home(request: HttpRequest) -> HttpResponse:
    """The front door: search first, life events for persons and firms, popular services, one's own summary."""
    user = request.user
    space = frontdoor.dashboard(user) if user.is_authenticated and user.kind in {"person", "agent"} else None
    return render(
        request,
        "portal/home.html",
        {
            "hot_words": HOT_WORDS,
            "person_events": PERSON_EVENTS,
            "enterprise_events": ENTERPRISE_EVENTS,
            "popular": frontdoor.popular_services(),
            "space": space,
        },
    )


def life_event(request: HttpRequest, slug: str) -> HttpResponse:
    """``/events/<slug>/``: the services of one life event, in order, with its one-thing bundles."""
    event = event_by_slug(slug)
    if event is None:
        raise Http404
    return render(
        request,
        "portal/life_event.html",
        {"event": event, "services": frontdoor.services_for(event), "bundles": frontdoor.bundles_for(event)},
    )


@login_required
def space(request: AuthedRequest) -> HttpResponse:
    """个人空间: my cases with their next step, my certificates, offers awaiting confirmation, messages."""
    return render(request, "portal/space.html", frontdoor.dashboard(request.user))


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """Switch elder mode (长辈版) on or off; the choice persists in a cookie for a year, on any device state."""
    form = ElderModeForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target or "/")
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return response
    if form.cleaned_data["on"]:
        response.set_cookie(ELDER_COOKIE, "1", max_age=ELDER_COOKIE_AGE, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


def _own_records(request: AuthedRequest) -> tuple[Person | None, LegalEntity | None]:
    user = request.user
    person = (
        Person.objects.select_related("division").with_id_number(user.id_number).first() if user.id_number else None
    )
    entity = (
        LegalEntity.objects.select_related("division", "industry", "legal_representative")
        .filter(uscc=user.enterprise_uscc)
        .first()
        if user.enterprise_uscc
        else None
    )
    return person, entity


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    """The user's own registry data, each element with its authoritative source, and a way to report errors."""
    person, entity = _own_records(request)
    return render(
        request,
        "portal/me.html",
        {
            "person": person,
            "person_rows": provenance_rows(person) if person else [],
            "entity": entity,
            "entity_rows": provenance_rows(entity) if entity else [],
        },
    )


@login_required
@require_POST
def report_error(request: AuthedRequest) -> HttpResponse:
    """Report that an element of one's own record is wrong; it goes to the element's authoritative source."""
    form = ErrorReportForm(request.POST)
    person, entity = _own_records(request)
    if form.is_valid():
        record = person if form.cleaned_data["registry"] == "person" else entity
        if record is None:
            messages.error(request, _("只能对本人或本企业的信息提出纠错"))
            return redirect("portal:me")
        try:
            report_discrepancy(
                record,
                form.cleaned_data["field"],
                form.cleaned_data["value"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已提交纠错，数据来源部门核实后会更正，并通知您处理结果。"))
    if form.errors:
        messages.error(request, errors_text(form))
    return redirect("portal:me")
