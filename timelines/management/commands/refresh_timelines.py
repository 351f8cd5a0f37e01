from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disputes.models import Dispute
from tariffs.services import measures_refresh_status
from timelines.services import refresh_disputes


class Command(BaseCommand):
    help = "Refresh measure statuses, timelines and summaries now (what the nightly job does), synchronously."

    def add_arguments(self, parser):
        parser.add_argument("--dispute", metavar="SLUG", action="append", help="Only this dispute (repeatable)")

    def handle(self, *args, dispute=None, **options):
        if dispute:
            unknown = set(dispute) - set(Dispute.objects.filter(slug__in=dispute).values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"Unknown dispute: {', '.join(sorted(unknown))}")
        today = timezone.localdate()
        changed = measures_refresh_status(today=today)
        self.stdout.write(f"{changed} measure status(es) changed as of {today.isoformat()}")
        for result in refresh_disputes(today=today, slugs=dispute):
            self.stdout.write(
                f"dispute {result.dispute_id}: {result.inserted} entries written, {result.deleted} removed "
                f"in {result.duration_ms} ms"
            )
