"""Personal data at rest: encrypted in the database, found through the blind index, keys rotated."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from yiwang.core.crypto import InvalidToken
from yiwang.core.fields import rotate_encrypted_fields
from yiwang.core.keys import index_of
from yiwang.registries.models import Person
from yiwang.registries.tests import factories

OLD = {"old": "000102030405060708090a0b0c0d0e0f"}
NEW = {**OLD, "new": "f0e0d0c0b0a090807060504030201000"}


def _raw(person: Person) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registries_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_id_and_phone_are_encrypted_at_rest_and_found_by_index(org):
    person = factories.person(org.xihu_town, name="周密", birth=date(1990, 1, 2))
    raw_id, raw_phone = _raw(person)
    assert person.id_number not in raw_id and raw_id.startswith("v1:")
    assert person.phone not in raw_phone and raw_phone.startswith("v1:")
    assert Person.objects.with_id_number(person.id_number.lower()).get() == person
    assert Person.objects.get(pk=person.pk).id_number == person.id_number
    assert not Person.objects.with_id_number("11010519491231002X").exists()
    with pytest.raises(Exception, match="Unsupported lookup"):
        Person.objects.filter(id_number=person.id_number).exists()


@pytest.mark.django_db
def test_a_token_moved_to_another_column_does_not_decrypt(org):
    person = factories.person(org.xihu_town)
    raw_id, _ = _raw(person)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registries_person SET phone = %s WHERE id = %s", [raw_id, person.pk])
    moved = Person.objects.get(pk=person.pk)  # the row loads; the value that belongs elsewhere does not decrypt
    with pytest.raises(InvalidToken):
        moved.phone  # noqa: B018


@pytest.mark.django_db
def test_key_rotation(org):
    with override_settings(YIWANG_FIELD_KEYS=OLD, YIWANG_FIELD_KEY_CURRENT="old"):
        person = factories.person(org.xihu_town)
        assert _raw(person)[0].startswith("v1:old:")
    with override_settings(YIWANG_FIELD_KEYS=NEW, YIWANG_FIELD_KEY_CURRENT="new"):
        assert Person.objects.get(pk=person.pk).id_number == person.id_number  # old rows still readable
        assert rotate_encrypted_fields(Person) == 1
        assert rotate_encrypted_fields(Person) == 0  # idempotent
        assert _raw(person)[0].startswith("v1:new:")
    with override_settings(YIWANG_FIELD_KEYS={"new": NEW["new"]}, YIWANG_FIELD_KEY_CURRENT="new"):
        assert Person.objects.with_id_number(person.id_number).get().phone == person.phone  # old key retired


def test_blind_index_is_keyed():
    value = "11010519491231002X"
    first = index_of(value)
    with override_settings(YIWANG_BLIND_INDEX_KEY="ab" * 32):
        assert index_of(value) != first


@pytest.mark.django_db
def test_dumpdata_holds_ciphertext_and_loaddata_restores(org, tmp_path):
    from django.core import serializers

    person = factories.person(org.xihu_town, name="秦备份")
    dump = serializers.serialize("json", Person.objects.filter(pk=person.pk))
    assert person.id_number not in dump and person.phone not in dump
    Person.objects.filter(pk=person.pk).delete()
    for obj in serializers.deserialize("json", dump):
        obj.save()
    restored = Person.objects.with_id_number(person.id_number).get()
    assert (restored.id_number, restored.phone) == (person.id_number, person.phone)


def _raw_all(person: Person) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_index FROM registries_person WHERE id = %s", [person.pk])
        id_number, phone, index = cursor.fetchone()
    return {"id_number": id_number, "phone": phone, "id_number_index": index}


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["id_number", "phone"])
def test_a_token_copied_from_another_person_does_not_decrypt(org, column):
    """Issue 16 item 13: a ciphertext is bound to its row, not only to its column."""
    victim, other = factories.person(org.xihu_town, name="甲"), factories.person(org.xihu_town, name="乙")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE registries_person SET {column} = %s WHERE id = %s",  # noqa: S608 - test-only, fixed names
            [_raw_all(victim)[column], other.pk],
        )
    copied = Person.objects.get(pk=other.pk)
    with pytest.raises(InvalidToken):
        getattr(copied, column)
    assert Person.objects.get(pk=victim.pk).phone == victim.phone  # the source row still reads


@pytest.mark.django_db
def test_column_only_tokens_are_read_then_bound_by_rotation(org):
    """The migration path: tokens written before rows were bound (column only) still read while
    YIWANG_FIELD_LEGACY_TOKENS is on; rotate_field_keys binds them; then they are refused when copied."""
    from yiwang.core.keys import field_cipher

    person = factories.person(org.xihu_town)
    cipher = field_cipher()
    legacy = {c: cipher.encrypt(getattr(person, c), context=f"registries.person.{c}") for c in ("id_number", "phone")}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registries_person SET id_number = %s, phone = %s WHERE id = %s",
            [legacy["id_number"], legacy["phone"], person.pk],
        )
    assert Person.objects.get(pk=person.pk).phone == person.phone
    with override_settings(YIWANG_FIELD_LEGACY_TOKENS=False):
        with pytest.raises(InvalidToken):
            Person.objects.get(pk=person.pk).phone  # noqa: B018
        assert rotate_encrypted_fields(Person) == 1  # rotation binds them even with legacy reading off
        assert rotate_encrypted_fields(Person) == 0
        assert Person.objects.get(pk=person.pk).phone == person.phone
    bound = _raw_all(person)["phone"]
    assert bound != legacy["phone"]
    assert cipher.decrypt(bound, context=f"registries.person.phone#{_raw_all(person)['id_number_index']}")


@pytest.mark.django_db
def test_bulk_updates_and_history_stay_bound(org, tmp_path):
    """bulk_update (the registry import) and the history snapshots bind their tokens too."""
    from yiwang.core.fields import seal_fields
    from yiwang.registries.models import RecordVersion
    from yiwang.registries.services import record_as_of, snapshot

    person = factories.person(org.xihu_town)
    person.phone = "13900001111"
    seal_fields(person)
    Person.objects.bulk_update([person], ["phone"])
    assert Person.objects.get(pk=person.pk).phone == "13900001111"
    data = snapshot(Person.objects.get(pk=person.pk))
    RecordVersion.objects.create(
        registry="person", record_key=str(person.pk), version=0, valid_from=date(2000, 1, 1), data=data
    )
    assert record_as_of(person, date(2020, 1, 1))["phone"] == "13900001111"
    other = factories.person(org.xihu_town)
    with pytest.raises(InvalidToken):  # a snapshot token is bound to its record too
        Person._meta.get_field("phone").unseal_for(f"version:{other.pk}", data["phone"])
