"""PostgreSQL only: the GIN index for full-text search of measures (``core.search``)."""

from django.db import migrations

NAME = "tariffs_measure_search_idx"
EXPRESSION = (
    "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, '') || ' ' "
    "|| COALESCE(product_description, ''))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON tariffs_measure USING gin (({EXPRESSION}))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0002_rateperiod_no_overlap_postgres")]

    operations = [migrations.RunPython(create, drop)]
