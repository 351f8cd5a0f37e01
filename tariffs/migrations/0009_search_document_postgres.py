"""PostgreSQL only: each measure keeps its full-text search document in a stored, generated column.

See disputes/0006: ``core.search`` matches and ranks ``search_document`` (GIN-indexed) instead of computing
``to_tsvector`` over every candidate row; it replaces the expression index of 0003. SQLite searches without it.
"""

from django.db import migrations

TEXT = "COALESCE(title, '') || ' ' || COALESCE(summary, '') || ' ' || COALESCE(product_description, '')"
OLD_INDEX = "tariffs_measure_search_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Adding a stored column rewrites the table: longer than a request may take (DATABASE_STATEMENT_TIMEOUT).
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    schema_editor.execute(
        "ALTER TABLE tariffs_measure ADD COLUMN IF NOT EXISTS search_document tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {TEXT})) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS tariffs_measure_document_idx ON tariffs_measure USING gin (search_document)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute("ANALYZE tariffs_measure")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")  # building an index over the whole table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON tariffs_measure "
        f"USING gin ((to_tsvector('english'::regconfig, {TEXT})))"
    )
    schema_editor.execute("ALTER TABLE tariffs_measure DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0008_french_text")]

    operations = [migrations.RunPython(create, drop)]
