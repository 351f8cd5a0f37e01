from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Disputes")

    def ready(self):
        from simple_history.signals import post_create_historical_record, pre_create_historical_record

        from core import change_sets
        from core.data_version import bump_on_history

        post_create_historical_record.connect(bump_on_history, dispatch_uid="tradewatch-data-version")
        pre_create_historical_record.connect(change_sets.stamp, dispatch_uid="tradewatch-change-set-stamp")
        post_create_historical_record.connect(change_sets.count, dispatch_uid="tradewatch-change-set-count")
