import django.db.models
from django.db import migrations

import yiwang.core.fields


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_encrypt_existing_holder_ids")]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="holder_index",
            field=yiwang.core.fields.BlindIndexField(db_index=True, source="holder_id"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="holder_id",
            field=yiwang.core.fields.EncryptedTextField(
                help_text="公民身份号码或统一社会信用代码", verbose_name="持证主体代码"
            ),
        ),
    ]
