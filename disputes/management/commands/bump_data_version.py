"""Mark the published data as changed, for writes that bypassed the ORM (a restore, raw SQL)."""

from django.core.management.base import BaseCommand

from core import data_version


class Command(BaseCommand):
    help = "Mark the data as changed, so that answers kept in the shared cache are rebuilt (after a restore)."

    def handle(self, *args, **options):
        data_version.bump()
        self.stdout.write("data version changed: cached answers will be rebuilt")
