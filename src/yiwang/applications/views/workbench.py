"""The officials' inbox (办件箱): scoped, most urgent first, with deadline colours; one case with its decisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.scopes import scope_queryset
from yiwang.applications.deadlines import COLOUR_TEXT, deadline_colour
from yiwang.applications.feedback import record_follow_up, record_rectification
from yiwang.applications.forms import BulkAcceptForm, CaseStepForm, InboxFilterForm, RectificationForm
from yiwang.applications.lifecycle import FINAL_STATES, Actor, State, allowed_actions
from yiwang.applications.models import Application, Channel, Rectification
from yiwang.applications.selectors import InboxQuery, cases_for, channel_report, filtered_cases, inbox_counts, inbox_for
from yiwang.applications.services import act
from yiwang.core.errors import DomainError
from yiwang.core.identifiers import is_valid_id_number
from yiwang.core.workdays import WorkingDays
from yiwang.registries import masking
from yiwang.registries.models import DataElement


def _shown_identifier(value: str) -> str:
    """A person's ID number is masked (personal data); an enterprise's USCC is public."""
    return str(masking.mask(masking.ID_NUMBER, value)) if is_valid_id_number(value) else value


#: Steps that may be taken on several cases at once: acceptance of complete applications (a formal check each);
#: decisions on the merits (准予/不予许可) are never taken in bulk.
BULK_ACTIONS = {"accept"}


@official_required
def inbox(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        form = BulkAcceptForm(request.POST)
        if not form.is_valid() or form.cleaned_data["action"] not in BULK_ACTIONS:
            raise Http404
        action = form.cleaned_data["action"]
        done, failed = 0, []
        for application in inbox_for(request.user).filter(application_no__in=form.cleaned_data["selected"]):
            try:
                act(application, action, actor=request.user)
                done += 1
            except DomainError as exc:
                failed.append(f"{application.application_no}：{exc.message}")
        messages.success(request, _("已批量受理 %(n)d 件") % {"n": done})
        for line in failed:
            messages.error(request, line)
        return redirect("applications:workbench:inbox")
    return _inbox_page(request)


#: cases a page of the inbox shows
INBOX_PAGE_SIZE = 50


def _inbox_page(request: AuthedRequest) -> HttpResponse:
    """The inbox with its filters, search, counts, sort order and pages (GET only: a view is a link to keep)."""
    today = timezone.localdate()
    scope = cases_for(request.user).exclude(state__in=FINAL_STATES).order_by()
    items = list(scope.values_list("item_id", "item__name").distinct().order_by("item__name"))
    form = InboxFilterForm(request.GET or None, items=items)
    query = InboxQuery()
    if form.is_bound and form.is_valid():
        query = InboxQuery(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    page = Paginator(filtered_cases(request.user, query, today=today).select_related("assisted_by"), INBOX_PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    days = WorkingDays()
    rows = []
    for application in page_obj:
        colour = deadline_colour(application, days=days)
        rows.append({"a": application, "colour": colour, "colour_text": COLOUR_TEXT[colour]})
    params = request.GET.copy()
    params.pop("page", None)
    counts = inbox_counts(request.user, today=today)
    return render(
        request,
        "applications/workbench/inbox.html",
        {
            "rows": rows,
            "form": form,
            "page": page_obj,
            "querystring": params.urlencode(),
            "filtered": bool(params),
            "counts": counts,
            "state_counts": [
                (code, label, counts.by_state.get(code, 0)) for code, label in State.choices if code not in FINAL_STATES
            ],
            "channel_counts": [
                (code, label, counts.by_channel.get(code, 0))
                for code, label in Channel.choices
                if counts.by_channel.get(code)
            ],
            "channel_report": channel_report(request.user, since=today - timedelta(days=30)),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@official_required
def case(request: AuthedRequest, application_no: str) -> HttpResponse:
    application = cases_for(request.user).filter(application_no=application_no).first()
    if application is None:
        raise Http404
    if request.method == "POST":
        form = CaseStepForm(
            request.POST, actions=[t.action for t in allowed_actions(application.state, Actor.OFFICIAL)]
        )
        if not form.is_valid():
            raise Http404
        action, lines = form.cleaned_data["action"], form.lines()
        try:
            act(application, action, actor=request.user, note=form.cleaned_data["note"], items=lines, deficiency=lines)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已办理"))
            if action in {"refuse", "deny", "complete"}:
                return redirect("applications:workbench:inbox")
        return redirect("applications:workbench:case", application_no=application_no)
    colour = deadline_colour(application)
    return render(
        request,
        "applications/workbench/case.html",
        {
            "a": application,
            "form_rows": _form_rows(application),
            "applicant_id": _shown_identifier(application.applicant_id),
            "materials": application.materials.select_related("requirement", "certificate"),
            "actions": allowed_actions(application.state, Actor.OFFICIAL),
            "colour": colour,
            "colour_text": COLOUR_TEXT[colour],
        },
    )


#: ID numbers, phone numbers and birth dates in the answers are masked like the applicant's ID above them
#: (personal data the handling of a case does not need in clear); names and addresses the handler works with.
_ANSWER_RULES = {DataElement.Mask.ID_NUMBER, DataElement.Mask.PHONE, DataElement.Mask.MONTH}


def _form_rows(application: Application) -> list[dict[str, Any]]:
    """The answers under the titles the applicant saw (the item's form), in the form's order; unknown keys last."""
    properties = (application.item.form_schema or {}).get("properties") or {}
    answers = application.form_data or {}
    names = [n for n in properties if n in answers] + [n for n in answers if n not in properties]
    codes = {n: (properties.get(n) or {}).get("x-element") for n in names}
    masks = dict(DataElement.objects.filter(code__in=[c for c in codes.values() if c]).values_list("code", "mask"))
    rules = {name: masks.get(codes[name] or "", masking.NONE) for name in names}
    view = [(name, rule if rule in _ANSWER_RULES else masking.NONE, answers[name]) for name, rule in rules.items()]
    # the applicant's own ID number is in the view too: an answer repeating its birth date is cut to the month
    view.append(("\0applicant", masking.ID_NUMBER, application.applicant_id))
    shown = masking.mask_view(view)
    return [
        {
            "title": (properties.get(name) or {}).get("title") or name,
            "value": shown[name],
            "prefilled": name in (application.prefilled_fields or []),
        }
        for name in names
    ]


@official_required
def rectifications(request: AuthedRequest) -> HttpResponse:
    """差评整改: bad ratings of the department's cases, to rectify by the deadline and follow up with the applicant."""
    cases = scope_queryset(
        request.user,
        Rectification.objects.select_related("rating__application__item").exclude(status=Rectification.Status.CLOSED),
        division_field="division",
        department_field="department",
    ).order_by("due_on")
    if request.method == "POST":
        form = RectificationForm(request.POST)
        case = cases.filter(pk=form.cleaned_data["case"]).first() if form.is_valid() else None
        if case is None:
            raise Http404
        try:
            if case.status == Rectification.Status.OPEN:
                record_rectification(case, actor=request.user, measures=form.cleaned_data["text"])
            else:
                record_follow_up(
                    case, actor=request.user, note=form.cleaned_data["text"], satisfied=form.cleaned_data["satisfied"]
                )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已记录"))
        return redirect("applications:workbench:rectifications")
    return render(request, "applications/workbench/rectifications.html", {"cases": cases})
