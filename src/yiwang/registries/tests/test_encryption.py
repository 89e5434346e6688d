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
    with pytest.raises(InvalidToken):
        Person.objects.get(pk=person.pk)


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
