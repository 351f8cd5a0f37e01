"""PostgreSQL only: GIN indexes for full-text search (``core.search``). SQLite searches without them.

The expressions must stay identical to what ``core.search.text_vector`` generates.
"""

from django.db import migrations

INDEXES = {
    "disputes_event_search_idx": (
        "disputes_event",
        "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, ''))",
    ),
    "disputes_source_search_idx": ("disputes_source", "to_tsvector('english'::regconfig, COALESCE(title, ''))"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, expression) in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
