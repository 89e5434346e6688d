"""Data migration: load the data-element catalogue (一数一源一标准) shipped in registries/data/elements.csv.

Every deployment needs it before the first registry write. Later catalogue changes are loaded with
``registries.elements.load_elements()`` (idempotent), which the demo seed also calls.
"""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "elements.csv"


def forwards(apps, schema_editor):
    DataElement = apps.get_model("registries", "DataElement")
    with CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row.pop("code")
            DataElement.objects.update_or_create(code=code, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("registries", "0008_entity_facts_optional")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
