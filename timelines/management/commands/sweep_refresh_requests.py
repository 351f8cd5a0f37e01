from django.core.management.base import BaseCommand

from timelines.queueing import sweep_refresh_requests


class Command(BaseCommand):
    help = (
        "Send a refresh for every dispute whose edits wait in the database and none is queued (what beat does "
        "every few minutes); with no broker configured the refreshes run now, in-process."
    )

    def handle(self, *args, **options):
        sent = sweep_refresh_requests()
        self.stdout.write(f"{sent} refresh(es) queued")
