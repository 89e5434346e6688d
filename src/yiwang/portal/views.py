"""Citizen and enterprise pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.accounts.http import AuthedRequest
from yiwang.registries.masking import mask_id_number, mask_phone
from yiwang.registries.models import LegalEntity, Person


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    """The logged-in person's or agent's own registry data, with where it came from."""
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
    return render(
        request,
        "portal/me.html",
        {
            "person": person,
            "masked_id": mask_id_number(person.id_number) if person else "",
            "masked_phone": mask_phone(person.phone) if person and person.phone else "",
            "entity": entity,
        },
    )
