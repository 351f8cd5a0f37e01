"""PostgreSQL only: each event and source keeps its full-text search document in a stored, generated column.

``search_document`` is what ``core.search`` matches and ranks: computed once when a row is written, instead of
``to_tsvector`` over the text of every candidate row at every search. A GIN index on it replaces the expression
indexes of 0002. SQLite searches without it. The column is not a model field: the database fills it.
"""

from django.db import migrations

EVENT_TEXT = "COALESCE(title, '') || ' ' || COALESCE(summary, '')"
SOURCE_TEXT = "COALESCE(title, '')"
TABLES = {
    # table: (its text, the expression index of 0002 this replaces)
    "disputes_event": (EVENT_TEXT, "disputes_event_search_idx"),
    "disputes_source": (SOURCE_TEXT, "disputes_source_search_idx"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Adding a stored column rewrites the table: longer than a request may take (DATABASE_STATEMENT_TIMEOUT).
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for table, (text, old_index) in TABLES.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_document tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {text})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_document_idx ON {table} USING gin (search_document)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")
        schema_editor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")  # building an index over the whole table
    for table, (text, old_index) in TABLES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {old_index} ON {table} USING gin ((to_tsvector('english'::regconfig, {text})))"
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [("disputes", "0005_french_text")]

    operations = [migrations.RunPython(create, drop)]
