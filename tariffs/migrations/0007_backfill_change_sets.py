"""History rows written before change sets existed get one, as revisions used to be cut.

Until now a record's rows by one user, each at most two seconds after the one before, made one edit. Rows of
every recorded model are sorted by time and cut that way once; each run of rows becomes one change set, so the
revisions readers already saw (and their permalinks) stay as they were.
"""

import datetime as dt
import uuid

from django.db import migrations

GAP = dt.timedelta(seconds=2)
HISTORY_MODELS = {
    "disputes": [
        "historicalactor", "historicalcase", "historicalcasecitation", "historicaldispute", "historicaldisputeparty",
        "historicalevent", "historicaleventcitation", "historicaleventparticipant", "historicalsource",
    ],
    "tariffs": [
        "historicalexposurefigure", "historicalmeasure", "historicalmeasurecitation", "historicalmeasurelink",
        "historicalproductline", "historicalrateperiod",
    ],
}  # fmt: skip


def backfill(apps, schema_editor):
    rows = []
    for app_label, names in HISTORY_MODELS.items():
        for name in names:
            model = apps.get_model(app_label, name)
            for history_id, when, user_id in model.objects.filter(change_set__isnull=True).values_list(
                "history_id", "history_date", "history_user_id"
            ):
                rows.append((when, name, history_id, user_id, model))
    rows.sort(key=lambda row: row[:3])
    assigned = {}  # model -> {change set: [history ids]}
    previous = None
    current = None
    for when, _name, history_id, user_id, model in rows:
        if previous is None or user_id != previous[1] or when - previous[0] > GAP:
            current = uuid.uuid4()
        assigned.setdefault(model, {}).setdefault(current, []).append(history_id)
        previous = (when, user_id)
    for model, sets in assigned.items():
        for change_set, ids in sets.items():
            model.objects.filter(history_id__in=ids).update(change_set=change_set)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0004_history_change_set"),
        ("tariffs", "0006_history_change_set"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
