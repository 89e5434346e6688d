"""Django and Ninja/pydantic wrappers of :mod:`yiwang.core.identifiers`.

- ``IdNumberValidator()`` / ``UsccValidator()``: validators for model and form fields. They raise Django's
  ``ValidationError`` with the translated message and the identifier's stable error code. Like every Django
  validator they do not change the value: store the canonical form (``validate_id_number`` returns it), or use
  the form fields below, which normalise.
- ``IdNumberFormField`` / ``UsccFormField``: form fields whose ``cleaned_data`` is the canonical value.
- ``IdNumber`` / ``Uscc``: annotated ``str`` types for Ninja schemas (pydantic v2). They normalise (full-width
  to ASCII, spaces removed, upper case) and reject with the same message; the error ``type`` is the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from yiwang.core.errors import ValidationFailed
from yiwang.core.identifiers import validate_id_number, validate_uscc

__all__ = [
    "IdNumber",
    "IdNumberFormField",
    "IdNumberValidator",
    "Uscc",
    "UsccFormField",
    "UsccValidator",
]


class _IdentifierValidator:
    check: Callable[..., str]

    def __call__(self, value: Any) -> None:
        if value in (None, ""):  # emptiness is the field's business (blank=True / required=False)
            return
        try:
            type(self).check(value)
        except ValidationFailed as exc:
            raise ValidationError(exc.message, code=exc.code) from exc

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible(path="yiwang.core.validators.IdNumberValidator")
class IdNumberValidator(_IdentifierValidator):
    """Citizen ID number, GB 11643 (see :func:`yiwang.core.identifiers.validate_id_number`)."""

    check = staticmethod(validate_id_number)


@deconstructible(path="yiwang.core.validators.UsccValidator")
class UsccValidator(_IdentifierValidator):
    """Unified social credit code, GB 32100 (see :func:`yiwang.core.identifiers.validate_uscc`)."""

    check = staticmethod(validate_uscc)


class _IdentifierFormField(forms.CharField):
    check: Callable[..., str]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)  # room for spaces typed between the groups; cleaned value has 18
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return type(self).check(value)
        except ValidationFailed as exc:
            raise ValidationError(exc.message, code=exc.code) from exc


class IdNumberFormField(_IdentifierFormField):
    check = staticmethod(validate_id_number)


class UsccFormField(_IdentifierFormField):
    check = staticmethod(validate_uscc)


def _pydantic(check: Callable[..., str]) -> Callable[[str], str]:
    def validate(value: str) -> str:
        try:
            return check(value)
        except ValidationFailed as exc:
            # The message is rendered now, i.e. in the request's active language; the code becomes the type.
            raise PydanticCustomError(exc.code, str(exc.message)) from exc

    validate.__name__ = check.__name__
    return validate


IdNumber = Annotated[
    str,
    AfterValidator(_pydantic(validate_id_number)),
    Field(description="公民身份号码（GB 11643，18位）", examples=["11010519491231002X"]),
]
Uscc = Annotated[
    str,
    AfterValidator(_pydantic(validate_uscc)),
    Field(description="统一社会信用代码（GB 32100，18位）", examples=["91350100M000100Y43"]),
]
