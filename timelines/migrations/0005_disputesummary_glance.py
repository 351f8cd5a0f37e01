from django.db import migrations, models

GLANCE_MEASURES = 4  # timelines.summaries.GLANCE_MEASURES when this migration was written


def fill_glance(apps, schema_editor):
    """The glance of every stored summary, so the dispute page reads it before the next refresh."""
    DisputeSummary = apps.get_model("timelines", "DisputeSummary")
    for summary in DisputeSummary.objects.all():
        sides = [
            side | {"measures_in_force": side.get("measures_in_force", [])[:GLANCE_MEASURES]}
            for side in summary.data.get("sides", [])
        ]
        summary.glance = summary.data | {"sides": sides}
        summary.save(update_fields=["glance"])


class Migration(migrations.Migration):
    dependencies = [
        ("timelines", "0004_french_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="disputesummary",
            name="glance",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(fill_glance, migrations.RunPython.noop),
    ]
