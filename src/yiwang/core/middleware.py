"""Request middleware of the kernel.

- Request id: every request gets one (or keeps the caller's ``X-Request-ID``) so audit entries and logs join up.
- NUL bytes: a path or query with a NUL character is refused with 400 before any view sees it (databases refuse
  NUL in text, PostgreSQL with an error, so it would otherwise surface as a 500 on many endpoints).
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("yiwang_request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    """The id of the request being served, or ``""`` outside a request (commands, tasks)."""
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


def _nul_in(request: HttpRequest) -> str | None:
    """``"path"`` or ``"query"`` when that part of the request holds a NUL character, else None."""
    if "\x00" in request.path_info:
        return "path"
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
        return "query"
    return None


class RejectNulMiddleware:
    """Refuse a path or query with a NUL character: 400, naming the part, in JSON for the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        part = _nul_in(request)
        if part is None:
            return self.get_response(request)
        message = _("请求的地址或查询参数中含有空字符（NUL），不能处理")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"code": "validation", "field": part, "message": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
