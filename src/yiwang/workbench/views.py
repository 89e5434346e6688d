"""The officials' home page: the overview of the official's scope."""

from __future__ import annotations

from collections import Counter

from django.http import HttpResponse
from django.shortcuts import render

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.scopes import user_scopes
from yiwang.applications.deadlines import COLOUR_TEXT, deadline_colour
from yiwang.applications.selectors import inbox_for
from yiwang.core.workdays import WorkingDays
from yiwang.registries.selectors import entities_for, persons_for


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
