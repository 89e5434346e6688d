"""Data migration: encrypt ID and phone numbers stored in clear before 0003, and fill the blind index."""

from django.db import migrations

from yiwang.core.migration_ops import encrypt_existing


def forwards(apps, schema_editor):
    encrypt_existing(apps.get_model("registries", "Person"), "registries.person", ["id_number", "phone"], "id_number")


class Migration(migrations.Migration):
    dependencies = [("registries", "0003_encrypt_personal_fields")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
