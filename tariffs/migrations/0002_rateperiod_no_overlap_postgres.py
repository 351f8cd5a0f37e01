"""On PostgreSQL, the database itself refuses overlapping rate periods of one measure.

SQLite has no range types; there the same rule is enforced by validation
(``tariffs.rate_periods.find_overlaps``), which every write path runs.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "tariffs_rateperiod_no_overlap"


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE tariffs_rateperiod ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(measure_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE tariffs_rateperiod DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_exclusion, drop_exclusion),
    ]
