"""Model fields for personal data at rest: SM4-GCM encrypted text, and its blind index for exact lookup.

    id_number = EncryptedTextField(_("公民身份号码"))
    id_number_index = BlindIndexField(source="id_number", unique=True)

The encrypted column holds ``v1:<key id>:<nonce|ciphertext|tag>`` bound to its column (the model label and
field name are authenticated), so a token copied into another column or row's field does not decrypt. Lookups
go through the index: ``Person.objects.filter(id_number_index=index_of(value))``. The index is filled in
``pre_save``, which ``save()`` and ``bulk_create()`` both call.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.db.models import Model

from yiwang.core.crypto import InvalidToken, UnknownKeyId
from yiwang.core.keys import field_cipher, index_of


class EncryptedTextField(models.TextField):
    """Text stored SM4-GCM encrypted; reads give the plaintext back. Only ``isnull`` lookups make sense."""

    def contribute_to_class(self, cls: type[Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return field_cipher().decrypt(value, context=self.context)
        except (InvalidToken, UnknownKeyId) as exc:
            raise InvalidToken(f"{self.context}: {exc}") from exc

    def to_python(self, value: Any) -> Any:
        """Accepts plaintext, or a token of this column (as written by ``dumpdata``), and gives plaintext."""
        if isinstance(value, str) and value.startswith("v1:"):
            try:
                return field_cipher().decrypt(value, context=self.context)
            except (InvalidToken, UnknownKeyId):
                return value
        return super().to_python(value)

    def value_to_string(self, obj: Model) -> str:
        """Serialisers (``dumpdata``) write the ciphertext: a dump holds no personal data in clear."""
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return field_cipher().encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name: str):
        if lookup_name not in {"isnull"}:
            return None  # an equality on ciphertext could never match: use the blind index
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """HMAC-SM3 of another field's plaintext, filled on save; exact lookups compare digests."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def pre_save(self, model_instance: Model, add: bool) -> str | None:
        plaintext = getattr(model_instance, self.source)
        digest = index_of(plaintext) if plaintext else None
        setattr(model_instance, self.attname, digest)
        return digest


def rotate_encrypted_fields(model: type[Model], *, batch_size: int = 2000) -> int:
    """Re-encrypt every encrypted field of ``model`` with the current key; returns the rows rewritten.

    Run after making a new key current and before retiring the old one. Rows already on the current key are
    skipped, so the command can be interrupted and run again.
    """
    fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    if not fields:
        return 0
    cipher = field_cipher()
    rewritten = 0
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    last_pk: Any = None
    while True:
        with connection.cursor() as cursor:
            where = f"WHERE {pk_column} > %s " if last_pk is not None else ""
            cursor.execute(
                f"SELECT {pk_column}, {columns} FROM {table} {where}ORDER BY {pk_column} LIMIT %s",  # noqa: S608
                [last_pk, batch_size] if last_pk is not None else [batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return rewritten
        with transaction.atomic():
            for pk, *tokens in rows:
                new = [cipher.rotate(t, context=f.context) if t else t for f, t in zip(fields, tokens, strict=True)]
                if new != list(tokens):
                    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s",  # noqa: S608
                            [*new, pk],
                        )
                    rewritten += 1
        last_pk = rows[-1][0]
