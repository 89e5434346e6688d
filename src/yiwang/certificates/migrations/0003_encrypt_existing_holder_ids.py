"""Data migration: encrypt holder ID numbers stored in clear before 0002 and fill the blind index."""

from django.db import migrations

from yiwang.core.migration_ops import encrypt_existing


def forwards(apps, schema_editor):
    encrypt_existing(
        apps.get_model("certificates", "Certificate"), "certificates.certificate", ["holder_id"], "holder_id",
        index_field="holder_index",
    )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_encrypt_holder_id")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
