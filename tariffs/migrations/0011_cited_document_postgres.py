"""PostgreSQL only: each measure keeps the search vector of its cited sources' titles (``core.cited_documents``).

See disputes/0007: a measure's search matches its own text or that vector, two GIN-indexed columns of one row.
"""

from django.db import migrations

from core.cited_documents import operation


class Migration(migrations.Migration):
    dependencies = [("disputes", "0007_cited_document_postgres"), ("tariffs", "0010_exporter_rates_stacking_exemptions")]

    operations = [operation("tariffs_measure", "tariffs_measurecitation", "measure_id", prefix="tariffs_measure")]
