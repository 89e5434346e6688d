"""Officials' pages of thematic databases (主题库/专题库): define by schema, fill by form or CSV import, history."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.core.errors import DomainError
from yiwang.sharing import selectors
from yiwang.sharing.forms import ThematicDefineForm, ThematicImportForm, ThematicRowForm
from yiwang.sharing.services import thematic


def _error(form: object, exc: DomainError) -> None:
    fields = getattr(form, "fields", {})
    field = exc.field if exc.field in fields else (f"f_{exc.field}" if f"f_{exc.field}" in fields else None)
    form.add_error(field, str(exc.message))  # type: ignore[attr-defined]


@official_required
def thematic_list(request: AuthedRequest) -> HttpResponse:
    form = ThematicDefineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registry = thematic.define_registry(
                request.user,
                department=request.user.department,  # type: ignore[arg-type]
                code=data["code"],
                name=data["name"],
                grade=data["grade"],
                schema=data["schema"],
            )
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("主题库已建立，并已编入数字资源目录"))
            return redirect("sharing:workbench:thematic", code=registry.code)
    registries = selectors.thematic_registries_for(request.user)
    return render(request, "sharing/workbench/thematic_list.html", {"registries": registries, "form": form})


@official_required
def thematic_detail(request: AuthedRequest, code: str) -> HttpResponse:
    registry = selectors.thematic_registry_for(request.user, code)
    which = request.POST.get("form")
    row_form = ThematicRowForm(request.POST if which == "row" else None, schema=registry.schema)
    import_form = ThematicImportForm(
        request.POST if which == "import" else None, request.FILES if which == "import" else None, prefix="import"
    )
    if which == "row" and row_form.is_valid():
        try:
            row = thematic.put_row(
                request.user, registry, division=row_form.cleaned_data["division"], data=row_form.record()
            )
        except DomainError as exc:
            _error(row_form, exc)
        else:
            messages.success(
                request, _("记录 %(key)s 已保存（第 %(v)d 版）") % {"key": row.record_key, "v": row.version}
            )
            return redirect("sharing:workbench:thematic", code=registry.code)
    if which == "import" and import_form.is_valid():
        try:
            count = thematic.import_rows(
                request.user,
                registry,
                division=import_form.cleaned_data["division"],
                text=import_form.cleaned_data["file"],
            )
        except DomainError as exc:
            import_form.add_error("file", str(exc.message))
        else:
            messages.success(request, _("已导入 %(n)d 条记录") % {"n": count})
            return redirect("sharing:workbench:thematic", code=registry.code)
    rows = [(row, thematic.masked(registry, row)) for row in registry.rows.order_by("record_key")[:200]]
    context = {
        "registry": registry,
        "rows": rows,
        "row_form": row_form,
        "import_form": import_form,
        "total": registry.rows.count(),
    }
    return render(request, "sharing/workbench/thematic_detail.html", context)


@official_required
def thematic_history(request: AuthedRequest, code: str, key: str) -> HttpResponse:
    registry = selectors.thematic_registry_for(request.user, code)
    row = registry.rows.filter(record_key=key).first()
    if row is None:
        raise Http404(_("未找到该记录"))
    versions = [
        (v, thematic.masked_values(registry, v.data)) for v in row.versions.select_related("actor").order_by("-version")
    ]
    context = {"registry": registry, "row": row, "versions": versions, "fields": registry.schema}
    return render(request, "sharing/workbench/thematic_history.html", context)
