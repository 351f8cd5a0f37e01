"""Every disputes date lies in 1900-01-01..2200-12-31 (``core.dates``): a validator on each date
field and a named CheckConstraint per field.

A database holding a date outside that range cannot take the constraints: the migration then stops
before changing anything, naming each model, field and row id to correct (in the admin or with SQL),
and can be run again afterwards. The shipped dataset has no such date.
"""

import datetime

from django.db import migrations, models

import core.dates

# Bounds as of this migration (kept here so later changes to core.dates do not rewrite history).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2200, 12, 31)
FIELDS = {
    "Source": ["published_on"],
    "Dispute": ["started_on", "ended_on"],
    "Case": ["initiated_on"],
    "Event": ["date", "end_date"],
}


def refuse_dates_out_of_range(apps, schema_editor):
    problems = []
    for model_name, names in FIELDS.items():
        model = apps.get_model("disputes", model_name)
        for name in names:
            outside = models.Q(**{f"{name}__lt": DATE_MIN}) | models.Q(**{f"{name}__gt": DATE_MAX})
            ids = list(model.objects.filter(outside).order_by("pk").values_list("pk", flat=True)[:20])
            if ids:
                problems.append(f"{model_name}.{name} (ids {', '.join(map(str, ids))})")
    if problems:
        raise RuntimeError(
            f"Dates outside {DATE_MIN}..{DATE_MAX} must be corrected before this migration: " + "; ".join(problems)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0002_search_indexes_postgres'),
    ]

    operations = [
        migrations.RunPython(refuse_dates_out_of_range, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='case',
            name='initiated_on',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='initiated on'),
        ),
        migrations.AlterField(
            model_name='dispute',
            name='ended_on',
            field=models.DateField(blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name='ended on'),
        ),
        migrations.AlterField(
            model_name='dispute',
            name='started_on',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='started on'),
        ),
        migrations.AlterField(
            model_name='event',
            name='date',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='event',
            name='end_date',
            field=models.DateField(blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name='end date'),
        ),
        migrations.AlterField(
            model_name='historicalcase',
            name='initiated_on',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='initiated on'),
        ),
        migrations.AlterField(
            model_name='historicaldispute',
            name='ended_on',
            field=models.DateField(blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name='ended on'),
        ),
        migrations.AlterField(
            model_name='historicaldispute',
            name='started_on',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='started on'),
        ),
        migrations.AlterField(
            model_name='historicalevent',
            name='date',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='historicalevent',
            name='end_date',
            field=models.DateField(blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name='end date'),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='published_on',
            field=models.DateField(blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name='published on'),
        ),
        migrations.AlterField(
            model_name='source',
            name='published_on',
            field=models.DateField(blank=True, null=True, validators=[core.dates.validate_date_in_range], verbose_name='published on'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('initiated_on__gte', datetime.date(1900, 1, 1)), ('initiated_on__lte', datetime.date(2200, 12, 31))), name='disputes_case_initiated_on_in_range'),
        ),
        migrations.AddConstraint(
            model_name='dispute',
            constraint=models.CheckConstraint(condition=models.Q(('started_on__gte', datetime.date(1900, 1, 1)), ('started_on__lte', datetime.date(2200, 12, 31))), name='disputes_dispute_started_on_in_range'),
        ),
        migrations.AddConstraint(
            model_name='dispute',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), models.Q(('ended_on__gte', datetime.date(1900, 1, 1)), ('ended_on__lte', datetime.date(2200, 12, 31))), _connector='OR'), name='disputes_dispute_ended_on_in_range'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('date__gte', datetime.date(1900, 1, 1)), ('date__lte', datetime.date(2200, 12, 31))), name='disputes_event_date_in_range'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('end_date__isnull', True), models.Q(('end_date__gte', datetime.date(1900, 1, 1)), ('end_date__lte', datetime.date(2200, 12, 31))), _connector='OR'), name='disputes_event_end_date_in_range'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('published_on__isnull', True), models.Q(('published_on__gte', datetime.date(1900, 1, 1)), ('published_on__lte', datetime.date(2200, 12, 31))), _connector='OR'), name='disputes_source_published_on_in_range'),
        ),
    ]
