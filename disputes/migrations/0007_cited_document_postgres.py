"""PostgreSQL only: each event keeps the search vector of its cited sources' titles (``core.cited_documents``).

A search's two arms (the event's own text, a cited source's title) become two GIN-indexed columns of the same
row, so PostgreSQL can estimate and index both instead of re-reading a dispute whole for a rare word.
"""

from django.db import migrations

from core.cited_documents import operation


class Migration(migrations.Migration):
    dependencies = [("disputes", "0006_search_document_postgres")]

    operations = [operation("disputes_event", "disputes_eventcitation", "event_id", prefix="disputes_event")]
