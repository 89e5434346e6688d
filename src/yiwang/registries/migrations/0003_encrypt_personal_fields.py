"""Citizen ID numbers and phone numbers at rest: SM4-GCM encrypted, with a blind index for exact lookup."""

import django.db.models
from django.db import migrations

import yiwang.core.fields
import yiwang.core.validators


class Migration(migrations.Migration):
    dependencies = [("registries", "0002_elements_history_credit")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=django.db.models.TextField(verbose_name="公民身份号码"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=django.db.models.TextField(blank=True, verbose_name="手机号码"),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_index",
            field=yiwang.core.fields.BlindIndexField(null=True, source="id_number"),
        ),
    ]
