"""Rates per exporter, stacking on the MFN tariff or another measure, and exemptions with their sources.

On PostgreSQL the no-overlap exclusion constraint becomes per (measure, exporter), the residual rate its own group.
"""

import datetime
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import core.dates

# Periods overlap only within one group: the same exporter, or the residual rate (no exporter, grouped as 0).
NO_OVERLAP = "tariffs_rateperiod_no_overlap"


def exclusion_per_exporter(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE tariffs_rateperiod DROP CONSTRAINT IF EXISTS {NO_OVERLAP}")
    schema_editor.execute(
        f"ALTER TABLE tariffs_rateperiod ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist "
        "(measure_id WITH =, (COALESCE(exporter_id, 0)) WITH =, daterange(valid_from, valid_to, '[]') WITH &&)"
    )


def exclusion_per_measure(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE tariffs_rateperiod DROP CONSTRAINT IF EXISTS {NO_OVERLAP}")
    schema_editor.execute(
        f"ALTER TABLE tariffs_rateperiod ADD CONSTRAINT {NO_OVERLAP} EXCLUDE USING gist "
        "(measure_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0006_search_document_postgres"),
        ("tariffs", "0009_search_document_postgres"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalMeasureExemption",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "change_set",
                    models.UUIDField(blank=True, db_index=True, editable=False, null=True, verbose_name="change set"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("trade_agreement", "Goods qualifying under a trade agreement"),
                            ("cusma_compliant", "CUSMA/USMCA-compliant goods"),
                            ("in_transit", "Goods in transit"),
                            ("remission", "Remission or refund"),
                            ("remission_order", "Remission order"),
                            ("quota", "Within a quota"),
                            ("product", "Excluded product"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(verbose_name="description")),
                (
                    "description_fr",
                    models.TextField(
                        blank=True,
                        help_text="Shown on French pages and in French API answers; empty: the English text is shown.",
                        verbose_name="description (French)",
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(
                        blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name="valid from"
                    ),
                ),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="Last day; empty if open-ended or not known.",
                        null=True,
                        validators=[core.dates.validate_date_in_range],
                        verbose_name="valid to",
                    ),
                ),
                ("instrument", models.CharField(blank=True, max_length=300, verbose_name="instrument")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical exemption or remission",
                "verbose_name_plural": "historical exemptions and remissions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeasureExemptionCitation",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "change_set",
                    models.UUIDField(blank=True, db_index=True, editable=False, null=True, verbose_name="change set"),
                ),
                (
                    "field_name",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty when the source supports the whole record.",
                        max_length=60,
                        verbose_name="field",
                    ),
                ),
                (
                    "locator",
                    models.CharField(
                        blank=True, help_text="Page, paragraph, article.", max_length=200, verbose_name="locator"
                    ),
                ),
                ("quote", models.TextField(blank=True, verbose_name="quote")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical exemption citation",
                "verbose_name_plural": "historical exemption citations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MeasureExemption",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("trade_agreement", "Goods qualifying under a trade agreement"),
                            ("cusma_compliant", "CUSMA/USMCA-compliant goods"),
                            ("in_transit", "Goods in transit"),
                            ("remission", "Remission or refund"),
                            ("remission_order", "Remission order"),
                            ("quota", "Within a quota"),
                            ("product", "Excluded product"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(verbose_name="description")),
                (
                    "description_fr",
                    models.TextField(
                        blank=True,
                        help_text="Shown on French pages and in French API answers; empty: the English text is shown.",
                        verbose_name="description (French)",
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(
                        blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name="valid from"
                    ),
                ),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="Last day; empty if open-ended or not known.",
                        null=True,
                        validators=[core.dates.validate_date_in_range],
                        verbose_name="valid to",
                    ),
                ),
                ("instrument", models.CharField(blank=True, max_length=300, verbose_name="instrument")),
            ],
            options={
                "verbose_name": "exemption or remission",
                "verbose_name_plural": "exemptions and remissions",
                "ordering": ["measure", "valid_from", "id"],
            },
        ),
        migrations.CreateModel(
            name="MeasureExemptionCitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "field_name",
                    models.CharField(
                        blank=True,
                        help_text="Leave empty when the source supports the whole record.",
                        max_length=60,
                        verbose_name="field",
                    ),
                ),
                (
                    "locator",
                    models.CharField(
                        blank=True, help_text="Page, paragraph, article.", max_length=200, verbose_name="locator"
                    ),
                ),
                ("quote", models.TextField(blank=True, verbose_name="quote")),
            ],
            options={
                "verbose_name": "exemption citation",
                "verbose_name_plural": "exemption citations",
                "ordering": ["exemption", "id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="rateperiod",
            name="tariffs_rateperiod_unique_start",
        ),
        migrations.AddField(
            model_name="historicalrateperiod",
            name="base_rate",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="The MFN rate the sources give, when the rate is added to it; empty if they do not give it.",
                max_digits=7,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="base rate (%)",
            ),
        ),
        migrations.AddField(
            model_name="historicalrateperiod",
            name="exporter",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The exporter or group this rate is for; empty for the residual rate (everyone else).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="disputes.actor",
                verbose_name="exporter",
            ),
        ),
        migrations.AddField(
            model_name="historicalrateperiod",
            name="on_top_of",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not stated"),
                    ("mfn", "The MFN (most-favoured-nation) tariff"),
                    ("measure", "Another measure"),
                ],
                default="",
                help_text="What the rate is added to, as the sources say.",
                max_length=10,
                verbose_name="on top of",
            ),
        ),
        migrations.AddField(
            model_name="historicalrateperiod",
            name="on_top_of_measure",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="When the rate is added to another measure: that measure.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="tariffs.measure",
                verbose_name="on top of measure",
            ),
        ),
        migrations.AddField(
            model_name="rateperiod",
            name="base_rate",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="The MFN rate the sources give, when the rate is added to it; empty if they do not give it.",
                max_digits=7,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="base rate (%)",
            ),
        ),
        migrations.AddField(
            model_name="rateperiod",
            name="exporter",
            field=models.ForeignKey(
                blank=True,
                help_text="The exporter or group this rate is for; empty for the residual rate (everyone else).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rate_periods_as_exporter",
                to="disputes.actor",
                verbose_name="exporter",
            ),
        ),
        migrations.AddField(
            model_name="rateperiod",
            name="on_top_of",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not stated"),
                    ("mfn", "The MFN (most-favoured-nation) tariff"),
                    ("measure", "Another measure"),
                ],
                default="",
                help_text="What the rate is added to, as the sources say.",
                max_length=10,
                verbose_name="on top of",
            ),
        ),
        migrations.AddField(
            model_name="rateperiod",
            name="on_top_of_measure",
            field=models.ForeignKey(
                blank=True,
                help_text="When the rate is added to another measure: that measure.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rate_periods_stacked_on",
                to="tariffs.measure",
                verbose_name="on top of measure",
            ),
        ),
        migrations.AddConstraint(
            model_name="rateperiod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("exporter__isnull", True)),
                fields=("measure", "valid_from"),
                name="tariffs_rateperiod_unique_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="rateperiod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("exporter__isnull", False)),
                fields=("measure", "exporter", "valid_from"),
                name="tariffs_rateperiod_unique_exporter_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="rateperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("on_top_of", "measure"), ("on_top_of_measure__isnull", False)),
                    models.Q(models.Q(("on_top_of", "measure"), _negated=True), ("on_top_of_measure__isnull", True)),
                    _connector="OR",
                ),
                name="tariffs_rateperiod_stacked_measure_named",
            ),
        ),
        migrations.AddConstraint(
            model_name="rateperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("base_rate__isnull", True), models.Q(("on_top_of", "mfn"), ("base_rate__gte", 0)), _connector="OR"
                ),
                name="tariffs_rateperiod_base_rate_on_mfn",
            ),
        ),
        migrations.AddConstraint(
            model_name="rateperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("on_top_of_measure", models.F("measure")), _negated=True),
                name="tariffs_rateperiod_not_stacked_on_itself",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeasureexemption",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalmeasureexemption",
            name="measure",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="tariffs.measure",
            ),
        ),
        migrations.AddField(
            model_name="historicalmeasureexemptioncitation",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalmeasureexemptioncitation",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="disputes.source",
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="measureexemption",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="exemptions", to="tariffs.measure"
            ),
        ),
        migrations.AddField(
            model_name="historicalmeasureexemptioncitation",
            name="exemption",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="tariffs.measureexemption",
            ),
        ),
        migrations.AddField(
            model_name="measureexemptioncitation",
            name="exemption",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="citations", to="tariffs.measureexemption"
            ),
        ),
        migrations.AddField(
            model_name="measureexemptioncitation",
            name="source",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, to="disputes.source", verbose_name="source"
            ),
        ),
        migrations.AddConstraint(
            model_name="measureexemption",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_to__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="tariffs_measureexemption_valid_window",
            ),
        ),
        migrations.AddConstraint(
            model_name="measureexemption",
            constraint=models.CheckConstraint(
                condition=models.Q(("description", ""), _negated=True), name="tariffs_measureexemption_has_description"
            ),
        ),
        migrations.AddConstraint(
            model_name="measureexemption",
            constraint=models.UniqueConstraint(
                fields=("measure", "kind", "description"), name="tariffs_measureexemption_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="measureexemption",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    models.Q(
                        ("valid_from__gte", datetime.date(1900, 1, 1)), ("valid_from__lte", datetime.date(2200, 12, 31))
                    ),
                    _connector="OR",
                ),
                name="tariffs_measureexemption_valid_from_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="measureexemption",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", True),
                    models.Q(
                        ("valid_to__gte", datetime.date(1900, 1, 1)), ("valid_to__lte", datetime.date(2200, 12, 31))
                    ),
                    _connector="OR",
                ),
                name="tariffs_measureexemption_valid_to_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="measureexemptioncitation",
            constraint=models.UniqueConstraint(
                fields=("exemption", "source", "field_name"), name="tariffs_measureexemptioncitation_unique"
            ),
        ),
        migrations.RunPython(exclusion_per_exporter, exclusion_per_measure),
    ]
