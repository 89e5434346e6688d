import django.db.models
from django.db import migrations

import yiwang.core.fields
import yiwang.core.validators


class Migration(migrations.Migration):
    dependencies = [("registries", "0004_encrypt_existing_values")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="id_number_index",
            field=yiwang.core.fields.BlindIndexField(source="id_number", unique=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=yiwang.core.fields.EncryptedTextField(
                validators=[yiwang.core.validators.IdNumberValidator()], verbose_name="公民身份号码"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=yiwang.core.fields.EncryptedTextField(blank=True, verbose_name="手机号码"),
        ),
    ]
