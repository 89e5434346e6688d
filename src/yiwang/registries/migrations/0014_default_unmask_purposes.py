"""Data migration: the default purposes of use (查看用途) per role; a deployment edits them in the admin."""

from django.db import migrations

from yiwang.registries.purposes import DEFAULT_PURPOSES


def forwards(apps, schema_editor):
    UnmaskPurpose = apps.get_model("registries", "UnmaskPurpose")
    for code, name, basis, roles in DEFAULT_PURPOSES:
        UnmaskPurpose.objects.get_or_create(code=code, defaults={"name": name, "legal_basis": basis, "roles": roles})


def backwards(apps, schema_editor):
    apps.get_model("registries", "UnmaskPurpose").objects.filter(code__in=[p[0] for p in DEFAULT_PURPOSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registries", "0013_unmask_purpose")]
    operations = [migrations.RunPython(forwards, backwards)]
