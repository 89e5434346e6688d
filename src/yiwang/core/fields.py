"""Model fields for personal data at rest: SM4-GCM encrypted text, and its blind index for exact lookup.

    class Person(models.Model):
        encrypted_row_key = "id_number_index"    # the row's identity, bound into every ciphertext of the row
        id_number = EncryptedTextField(_("公民身份号码"))
        id_number_index = BlindIndexField(source="id_number", unique=True)

The encrypted column holds ``v1:<key id>:<nonce|ciphertext|tag>``. The associated data authenticates the column
(model label and field name) and, on a model that names its ``encrypted_row_key`` (a unique field that is known
before the row is inserted and does not change: a number, a username, a blind index), the row's identity too: a
token copied into another column *or another row* does not decrypt. Decryption therefore needs the row: it happens
when an instance is built (``post_init``) or on first access, never in ``from_db_value``; ``values()`` and
``values_list()`` give the sealed token (:class:`Sealed`), not the plaintext. Tokens written before rows were bound
(column only) still decrypt while ``YIWANG_FIELD_LEGACY_TOKENS`` is on; ``yiwang rotate_field_keys`` rewrites them
bound to their row (the migration path), after which the setting can be turned off. Lookups go through the index:
``Person.objects.filter(id_number_index=index_of(value))``; the index is filled in ``pre_save``, which ``save()``
and ``bulk_create()`` both call. ``bulk_update()`` does not: call :func:`seal_fields` on the objects first.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Model, signals
from django.db.models.query_utils import DeferredAttribute

from yiwang.core.crypto import FieldCipher, InvalidToken, UnknownKeyId
from yiwang.core.keys import field_cipher, index_of


class Sealed(str):
    """A token read from the database that has not been decrypted yet (it needs its row to be)."""

    __slots__ = ()


def row_key_field(model: type[Model]) -> models.Field | None:
    """The field whose value identifies a row of ``model`` in its ciphertexts (None: bound to the column only).

    Read from the installed model of the same label too, so that historical models in migrations agree with it.
    """
    name = getattr(model, "encrypted_row_key", None) or _row_key_name(model._meta.label)
    if not name:
        return None
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:  # a historical model from before the key existed
        return None


@cache
def _row_key_name(label: str) -> str | None:
    try:
        return getattr(global_apps.get_model(label), "encrypted_row_key", None)
    except LookupError:
        return None


def _legacy_allowed() -> bool:
    return bool(getattr(settings, "YIWANG_FIELD_LEGACY_TOKENS", True))


class _EncryptedAttribute(DeferredAttribute):
    """Gives the plaintext: a sealed token is decrypted with its row's identity on first access."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            field: EncryptedTextField = self.field  # type: ignore[assignment]
            value = field.unseal(instance, value)
            instance.__dict__[field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        """A data descriptor (so that ``__get__`` runs even when the value is in the instance's ``__dict__``)."""
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text stored SM4-GCM encrypted, bound to its column and row; reads give the plaintext back.

    Only ``isnull`` lookups make sense (use the blind index to find a value).
    """

    descriptor_class = _EncryptedAttribute

    def contribute_to_class(self, cls: type[Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.context = f"{cls._meta.label_lower}.{name}"
        if not cls._meta.abstract:
            signals.post_init.connect(self._unseal_on_init, sender=cls, weak=False)

    # --- the row's identity ----------------------------------------------------------------------------------

    def _identity(self, instance: Model, *, for_write: bool) -> str | None:
        """The row's identity: the stored row key, or (when writing) the one about to be stored."""
        key = row_key_field(type(instance))
        if key is None:
            return None
        if for_write and isinstance(key, BlindIndexField):
            plaintext = getattr(instance, key.source)
            return index_of(plaintext) if plaintext else ""
        value = getattr(instance, key.attname)
        return "" if value is None else str(value)

    def _bound(self, identity: str | None) -> str:
        return self.context if identity is None else f"{self.context}#{identity}"

    def seal(self, instance: Model, value: str, *, cipher: FieldCipher | None = None) -> Sealed:
        """Encrypt ``value`` for this column of ``instance``'s row."""
        identity = self._identity(instance, for_write=True)
        return Sealed((cipher or field_cipher()).encrypt(value, context=self._bound(identity)))

    def unseal(self, instance: Model, token: str, *, identity: str | None = None) -> str:
        """Decrypt a token of this column of ``instance``'s row; :class:`InvalidToken` if it belongs elsewhere."""
        if identity is None:
            identity = self._identity(instance, for_write=False)
        return self.unseal_for(identity, token)

    def seal_for(self, identity: str, value: str) -> str:
        """Encrypt ``value`` bound to an explicit identity (a history snapshot: the record's stable key)."""
        return field_cipher().encrypt(value, context=self._bound(identity))

    def unseal_for(
        self, identity: str | None, token: str, *, cipher: FieldCipher | None = None, legacy: bool | None = None
    ) -> str:
        """Decrypt a token bound to ``identity`` (or, while allowed, a column-only token of before)."""
        cipher = cipher or field_cipher()
        try:
            return cipher.decrypt(token, context=self._bound(identity))
        except (InvalidToken, UnknownKeyId) as exc:
            if identity is not None and (_legacy_allowed() if legacy is None else legacy):
                try:  # a token from before rows were bound: column only (rewritten by rotate_field_keys)
                    return cipher.decrypt(token, context=self.context)
                except (InvalidToken, UnknownKeyId):
                    pass
            raise InvalidToken(f"{self.context}: {exc}") from exc

    def _unseal_on_init(self, sender: Any, instance: Model, **kwargs: Any) -> None:
        """Decrypt as the row is loaded (its row key is at hand then); a token that does not decrypt stays sealed
        and raises :class:`InvalidToken` when it is read, so one damaged row does not fail a whole query."""
        value = instance.__dict__.get(self.attname)
        if not isinstance(value, Sealed):
            return
        key = row_key_field(type(instance))
        if key is not None and key.attname not in instance.__dict__:
            return  # the row key is deferred: decrypt on first access instead
        with suppress(InvalidToken):
            instance.__dict__[self.attname] = self.unseal(instance, value)

    # --- the database ----------------------------------------------------------------------------------------

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return Sealed(value)

    def to_python(self, value: Any) -> Any:
        """Accepts plaintext, or a token (as written by ``dumpdata``), which stays sealed until its row reads it."""
        if isinstance(value, str) and value.startswith("v1:"):
            return Sealed(value)
        return super().to_python(value)

    def pre_save(self, model_instance: Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # the plaintext (the descriptor unseals)
        if value is None or value == "":
            return value
        return self.seal(model_instance, str(value))

    def value_to_string(self, obj: Model) -> str:
        """Serialisers (``dumpdata``) write the ciphertext: a dump holds no personal data in clear."""
        value = self.value_from_object(obj)
        return "" if value is None or value == "" else str(self.seal(obj, str(value)))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return field_cipher().encrypt(str(value), context=self.context)  # no row at hand: bound to the column

    def get_lookup(self, lookup_name: str):
        if lookup_name not in {"isnull"}:
            return None  # an equality on ciphertext could never match: use the blind index
        return super().get_lookup(lookup_name)


def seal_fields(instance: Model) -> None:
    """Replace the plaintext of ``instance``'s encrypted fields by tokens bound to its row (before ``bulk_update``,
    which, unlike ``save()`` and ``bulk_create()``, does not call ``pre_save``)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, EncryptedTextField):
            value = getattr(instance, field.attname)
            if value:
                instance.__dict__[field.attname] = field.seal(instance, str(value))


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
    """Re-encrypt every encrypted field of ``model`` with the current key, bound to its row; returns rows rewritten.

    Run after making a new key current and before retiring the old one, and once after upgrading to row-bound
    tokens (it rewrites column-only tokens bound to their row). Rows already on the current key and bound are
    skipped, so the command can be interrupted and run again.
    """
    fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    if not fields:
        return 0
    cipher = field_cipher()
    key = row_key_field(model)
    rewritten = 0
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    key_column = quote(key.column) if key is not None else "NULL"
    pk_column = quote(model._meta.pk.column)
    last_pk: Any = None
    while True:
        with connection.cursor() as cursor:
            where = f"WHERE {pk_column} > %s " if last_pk is not None else ""
            cursor.execute(
                f"SELECT {pk_column}, {key_column}, {columns} FROM {table} {where}"  # noqa: S608
                f"ORDER BY {pk_column} LIMIT %s",
                [last_pk, batch_size] if last_pk is not None else [batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return rewritten
        with transaction.atomic():
            for pk, identity, *tokens in rows:
                row_identity = None if key is None else ("" if identity is None else str(identity))
                new = [_rebind(f, row_identity, t, cipher) for f, t in zip(fields, tokens, strict=True)]
                if new != list(tokens):
                    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s",  # noqa: S608
                            [*new, pk],
                        )
                    rewritten += 1
        last_pk = rows[-1][0]


def _rebind(field: EncryptedTextField, identity: str | None, token: str | None, cipher: FieldCipher) -> str | None:
    """The token on the current key and bound to its row (unchanged when it already is)."""
    if not token:
        return token
    bound = field._bound(identity)
    if not cipher.needs_rotation(token):
        try:
            cipher.decrypt(token, context=bound)
            return token
        except InvalidToken:
            pass
    plaintext = field.unseal_for(identity, token, cipher=cipher, legacy=True)
    return cipher.encrypt(plaintext, context=bound)
