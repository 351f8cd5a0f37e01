"""On PostgreSQL, the database itself refuses overlapping rate periods of one measure, and HS-code
prefix searches (``hs=15``) use an index.

SQLite has no range types; there the same rule is enforced by validation
(``tariffs.rate_periods.find_overlaps``), which every write path runs.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "tariffs_rateperiod_no_overlap"
HS_PREFIX_INDEX = "tariffs_productline_hs_prefix_idx"


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE tariffs_rateperiod ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(measure_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)"
    )
    # LIKE 'prefix%' can only use a b-tree index built with the pattern operator class.
    schema_editor.execute(
        f"CREATE INDEX {HS_PREFIX_INDEX} ON tariffs_productline (hs_code varchar_pattern_ops)"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE tariffs_rateperiod DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {HS_PREFIX_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_exclusion, drop_exclusion),
    ]
