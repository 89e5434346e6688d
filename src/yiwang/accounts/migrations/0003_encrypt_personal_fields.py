"""Citizen ID numbers and phone numbers at rest: SM4-GCM encrypted, with a blind index for exact lookup."""

import django.db.models
from django.db import migrations

import yiwang.core.fields
import yiwang.core.validators


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_department_kind")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=django.db.models.TextField(blank=True, null=True, verbose_name="公民身份号码"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=django.db.models.TextField(blank=True, verbose_name="手机号码"),
        ),
        migrations.AddField(
            model_name="user",
            name="id_number_index",
            field=yiwang.core.fields.BlindIndexField(null=True, source="id_number", unique=True),
        ),
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=yiwang.core.fields.EncryptedTextField(
                blank=True, null=True, validators=[yiwang.core.validators.IdNumberValidator()],
                verbose_name="公民身份号码",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=yiwang.core.fields.EncryptedTextField(blank=True, verbose_name="手机号码"),
        ),
    ]
