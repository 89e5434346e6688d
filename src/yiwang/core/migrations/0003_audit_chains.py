"""The audit ledger as several hash chains: every existing entry is chain 0 at its ``seq``; PostgreSQL gets the
sequence that numbers entries appended to several chains at once."""

from django.db import migrations, models

SEQUENCE = "core_auditentry_seq_seq"


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:  # the ORM refuses to update ledger rows, on purpose
        cursor.execute("UPDATE core_auditentry SET shard = 0, shard_seq = seq")
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM core_auditentry")
            start = cursor.fetchone()[0]
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START WITH {int(start)}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notification")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="shard",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="链"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="shard_seq",
            field=models.BigIntegerField(default=0, verbose_name="链内序号"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("shard", "shard_seq"), name="core_audit_chain_position"),
        ),
    ]
