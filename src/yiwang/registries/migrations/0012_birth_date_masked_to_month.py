"""Data migration: a birth date is shown to the month in masked views (GB/T 35273 去标识化; ID numbers keep their
division prefix only), so the catalogue's ``person.birth_date`` element gets the ``month`` rule."""

from django.db import migrations


def forwards(apps, schema_editor):
    DataElement = apps.get_model("registries", "DataElement")
    DataElement.objects.filter(code="person.birth_date", mask="none").update(mask="month")


def backwards(apps, schema_editor):
    DataElement = apps.get_model("registries", "DataElement")
    DataElement.objects.filter(code="person.birth_date", mask="month").update(mask="none")


class Migration(migrations.Migration):
    dependencies = [("registries", "0011_dataelement_mask_month")]
    operations = [migrations.RunPython(forwards, backwards)]
