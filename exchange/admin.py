"""The admin's "Import" button on sources, events and measures: the domain apps' admins, with the import added.

The domain apps know nothing of files; this app sits above them and registers each admin again with
``RecordImportMixin`` and the resource that reads its rows (see ``datasets/IMPORT.md``).
"""

from django.contrib import admin

from disputes.admin import SourceAdmin
from disputes.models import Event, Source
from tariffs.admin import EventWithMeasuresAdmin, MeasureAdmin
from tariffs.models import Measure

from .import_admin import RecordImportMixin
from .resources.disputes import EventResource, SourceResource
from .resources.tariffs import MeasureResource


class SourceImportAdmin(RecordImportMixin, SourceAdmin):
    resource_classes = [SourceResource]


class EventImportAdmin(RecordImportMixin, EventWithMeasuresAdmin):
    resource_classes = [EventResource]


class MeasureImportAdmin(RecordImportMixin, MeasureAdmin):
    resource_classes = [MeasureResource]


for model, model_admin in [(Source, SourceImportAdmin), (Event, EventImportAdmin), (Measure, MeasureImportAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
