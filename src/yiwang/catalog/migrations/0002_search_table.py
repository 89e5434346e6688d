"""The search table of published items: FTS5 on SQLite, tsvector('simple') + pg_trgm on PostgreSQL.

See ``yiwang.catalog.search``. The table is not a Django model: its shape differs per database. The filter columns
(department, division, audience, life events) are copied into it so that a filtered search is one index lookup
without a join. The pg_trgm extension is created here (``IF NOT EXISTS``); a role without the right to create it
needs a DBA to run ``CREATE EXTENSION pg_trgm`` once before migrating.

``item_id`` has no foreign key on purpose: Django's ``flush`` (TransactionTestCase) truncates only its models' tables
and PostgreSQL refuses to truncate a table that another references. A row whose item is gone is skipped by the
search (which loads the items by id) and cleared by ``rebuild_index()``.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE catalog_search USING fts5(name, keywords, body, department_id UNINDEXED, "
    "division_id UNINDEXED, audience UNINDEXED, life_events_key UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE catalog_search (
        item_id bigint PRIMARY KEY,
        title text NOT NULL,
        name text NOT NULL,
        keywords text NOT NULL,
        body text NOT NULL,
        department_id bigint NOT NULL,
        division_id varchar(12) NOT NULL,
        audience varchar(16) NOT NULL,
        life_events_key varchar(300) NOT NULL,
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', name), 'A')
            || setweight(to_tsvector('simple', keywords), 'B')
            || setweight(to_tsvector('simple', body), 'C')
        ) STORED
    )""",
    "CREATE INDEX catalog_search_document_gin ON catalog_search USING gin (document)",
    "CREATE INDEX catalog_search_title_trgm ON catalog_search USING gin (title gin_trgm_ops)",
]


def create_search_table(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_search_table(apps, schema_editor):
    if schema_editor.connection.vendor in {"sqlite", "postgresql"}:
        schema_editor.execute("DROP TABLE IF EXISTS catalog_search")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_search_table, drop_search_table, elidable=False)]
