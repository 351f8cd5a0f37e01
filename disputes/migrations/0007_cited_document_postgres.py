"""PostgreSQL only: each event keeps the search vector of its cited sources' titles (``core.cited_documents``).

A search's two arms (the event's own text, a cited source's title) become two GIN-indexed columns of the same
row, so PostgreSQL can estimate and index both instead of re-reading a dispute whole for a rare word.
"""

from django.db import migrations

from core.cited_documents import create_statements, drop_statements

NAMES = {"table": "disputes_event", "citation_table": "disputes_eventcitation", "prefix": "disputes_event"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")  # fills every event's vector, builds an index
    for statement in create_statements(**NAMES, cited_column="event_id"):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in drop_statements(**NAMES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0006_search_document_postgres")]

    operations = [migrations.RunPython(create, drop)]
