"""Data: mark the applications started as parts of a bundle (``Application.in_bundle``), which until now was known
only from the bundle's side (``BundleChild.application``)."""

from django.db import migrations


def mark(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    BundleChild = apps.get_model("bundles", "BundleChild")
    parts = BundleChild.objects.filter(application__isnull=False).values("application_id")
    Application.objects.filter(pk__in=parts).update(in_bundle=True)


def unmark(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Application.objects.filter(in_bundle=True).update(in_bundle=False)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_application_in_bundle"),
        ("bundles", "0002_bundle_withdrawal"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
