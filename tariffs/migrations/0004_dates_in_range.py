"""Every tariffs date lies in 1900-01-01..2200-12-31 (``core.dates``): a validator on each date
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
    "Measure": ["announced_on"],
    "RatePeriod": ["valid_from", "valid_to"],
}


def refuse_dates_out_of_range(apps, schema_editor):
    problems = []
    for model_name, names in FIELDS.items():
        model = apps.get_model("tariffs", model_name)
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
        ('disputes', '0003_dates_in_range'),
        ('tariffs', '0003_search_index_postgres'),
    ]

    operations = [
        migrations.RunPython(refuse_dates_out_of_range, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalmeasure',
            name='announced_on',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='announced on'),
        ),
        migrations.AlterField(
            model_name='historicalrateperiod',
            name='valid_from',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='valid from'),
        ),
        migrations.AlterField(
            model_name='historicalrateperiod',
            name='valid_to',
            field=models.DateField(blank=True, help_text='Last day; empty if open-ended.', null=True, validators=[core.dates.validate_date_in_range], verbose_name='valid to'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='announced_on',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='announced on'),
        ),
        migrations.AlterField(
            model_name='rateperiod',
            name='valid_from',
            field=models.DateField(validators=[core.dates.validate_date_in_range], verbose_name='valid from'),
        ),
        migrations.AlterField(
            model_name='rateperiod',
            name='valid_to',
            field=models.DateField(blank=True, help_text='Last day; empty if open-ended.', null=True, validators=[core.dates.validate_date_in_range], verbose_name='valid to'),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.CheckConstraint(condition=models.Q(('announced_on__gte', datetime.date(1900, 1, 1)), ('announced_on__lte', datetime.date(2200, 12, 31))), name='tariffs_measure_announced_on_in_range'),
        ),
        migrations.AddConstraint(
            model_name='rateperiod',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__gte', datetime.date(1900, 1, 1)), ('valid_from__lte', datetime.date(2200, 12, 31))), name='tariffs_rateperiod_valid_from_in_range'),
        ),
        migrations.AddConstraint(
            model_name='rateperiod',
            constraint=models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), models.Q(('valid_to__gte', datetime.date(1900, 1, 1)), ('valid_to__lte', datetime.date(2200, 12, 31))), _connector='OR'), name='tariffs_rateperiod_valid_to_in_range'),
        ),
    ]
