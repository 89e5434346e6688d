"""The CKAN action API (``/api/3/action/<action>``, also ``/api/action/``) so that existing CKAN clients work.

Read-only actions: ``package_list``, ``package_search``, ``package_show``, ``resource_show``; parameters by GET
query or by a POSTed JSON body (as ``ckanapi`` sends them), answers in CKAN's ``{"success", "result"}`` envelope.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from yiwang.core.errors import DomainError, NotFound
from yiwang.sharing.services import opendata

HELP = "https://docs.ckan.org/en/latest/api/"


def _params(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST" and request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    source = request.POST if request.method == "POST" else request.GET
    return {k: source.get(k) for k in source}


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _package_list(params: dict[str, Any], base: str) -> Any:
    return list(opendata.listed().order_by("name").values_list("name", flat=True))


def _package_search(params: dict[str, Any], base: str) -> Any:
    return opendata.package_search(
        str(params.get("q") or ""), _int(params.get("rows"), 10), _int(params.get("start"), 0), base
    )


def _package_show(params: dict[str, Any], base: str) -> Any:
    return opendata.package_dict(opendata.get_listed(str(params.get("id") or "")), base)


def _resource_show(params: dict[str, Any], base: str) -> Any:
    return opendata.resource_show(str(params.get("id") or ""), base)


ACTIONS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "package_list": _package_list,
    "package_search": _package_search,
    "package_show": _package_show,
    "resource_show": _resource_show,
}


@csrf_exempt  # read-only actions; nothing is changed by a POST here
def action(request: HttpRequest, name: str) -> JsonResponse:
    handler = ACTIONS.get(name)
    help_url = f"{HELP}#ckan.logic.action.get.{name}"
    if handler is None:
        error: dict[str, Any] = {"__type": "Not Found Error", "message": "Action name not known: " + name}
        return JsonResponse({"help": help_url, "success": False, "error": error}, status=400)
    base = request.build_absolute_uri("/").rstrip("/")
    try:
        result = handler(_params(request), base)
    except NotFound as exc:
        error = {"__type": "Not Found Error", "message": str(exc.message)}
        return JsonResponse({"help": help_url, "success": False, "error": error}, status=404)
    except DomainError as exc:
        error = {"__type": "Validation Error", exc.field or "message": [str(exc.message)]}
        return JsonResponse({"help": help_url, "success": False, "error": error}, status=409)
    return JsonResponse(
        {"help": help_url, "success": True, "result": result}, json_dumps_params={"ensure_ascii": False}
    )
