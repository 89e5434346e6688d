"""Domain errors: a translatable message, the field it concerns and a stable code.

Services raise these; the API turns them into 4xx JSON ``{"code", "field", "message"}`` and the pages into form
errors. A 500 is always a bug.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation. Nothing was changed."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: Any, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message  # may be a lazy translation; str() it at the edge, in the caller's language
        self.field = field
        self.code = code or self.default_code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message": str(self.message)}


class ValidationFailed(DomainError):
    """Input broke a validation rule (format, check digit, range)."""

    status_code = 422
    default_code = "validation"


class PermissionDenied(DomainError):
    """The caller has no right to do this, or the object is outside the caller's scope."""

    status_code = 403
    default_code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The object is in a state that does not allow this operation."""

    status_code = 409
    default_code = "conflict"
