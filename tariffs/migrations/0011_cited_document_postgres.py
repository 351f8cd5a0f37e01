"""PostgreSQL only: each measure keeps the search vector of its cited sources' titles (``core.cited_documents``).

See disputes/0007: a measure's search matches its own text or that vector, two GIN-indexed columns of one row.
"""

from django.db import migrations

from core.cited_documents import create_statements, drop_statements

NAMES = {"table": "tariffs_measure", "citation_table": "tariffs_measurecitation", "prefix": "tariffs_measure"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")  # fills every measure's vector, builds an index
    for statement in create_statements(**NAMES, cited_column="measure_id"):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in drop_statements(**NAMES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0007_cited_document_postgres"), ("tariffs", "0010_exporter_rates_stacking_exemptions")]

    operations = [migrations.RunPython(create, drop)]
