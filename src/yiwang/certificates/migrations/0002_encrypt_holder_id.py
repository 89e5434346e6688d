"""The holder's ID number at rest: SM4-GCM encrypted, with a blind index for the wallet lookup."""

import django.db.models
from django.db import migrations

import yiwang.core.fields


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="holder_id",
            field=django.db.models.TextField(help_text="公民身份号码或统一社会信用代码", verbose_name="持证主体代码"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="holder_index",
            field=yiwang.core.fields.BlindIndexField(null=True, source="holder_id"),
        ),
    ]
