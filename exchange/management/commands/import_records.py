"""``manage.py import_records FILE [--kind events|measures|sources] [--dry-run]``: the admin's bulk import."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from import_export.results import RowResult

from exchange.import_files import ImportFileError, read_table_file
from exchange.resources.disputes import EventResource, SourceResource
from exchange.resources.tariffs import MeasureResource

RESOURCES = {"events": EventResource, "measures": MeasureResource, "sources": SourceResource}


def guess_kind(headers) -> str | None:
    """The kind of records a file holds, from the columns only one kind has."""
    headers = set(headers or [])
    if headers & {"imposed_by", "applies_to", "rate_periods", "product_lines"}:
        return "measures"
    if "dispute" in headers and headers & {"date", "participants", "case_stage"}:
        return "events"
    if "url" in headers and "dispute" not in headers:
        return "sources"
    return None


class Command(BaseCommand):
    help = (
        "Import events, measures or sources from a CSV or XLSX file (format: datasets/IMPORT.md). "
        "Bad rows are listed with their line numbers and a file with any bad row writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file with a header row.")
        parser.add_argument(
            "--kind", choices=sorted(RESOURCES), help="What the rows are (guessed from the columns when left out)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            dataset = read_table_file(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        kind = options["kind"] or guess_kind(dataset.headers)
        if kind is None:
            raise CommandError(f"{path.name}: cannot tell events, measures or sources from the columns; use --kind.")
        result = RESOURCES[kind]().import_data(
            dataset,
            dry_run=options["dry_run"],
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            file_name=path.name,
        )
        problems = result.problems()
        for problem in problems:
            self.stderr.write(f"{path.name}: {problem}")
        if problems:
            raise CommandError(f"{path.name}: {len(problems)} error(s); nothing was written.")
        totals = result.totals
        summary = (
            f"{totals[RowResult.IMPORT_TYPE_NEW]} new, {totals[RowResult.IMPORT_TYPE_UPDATE]} updated, "
            f"{totals[RowResult.IMPORT_TYPE_SKIP]} unchanged"
        )
        if options["dry_run"]:
            self.stdout.write(f"{path.name}: {kind}: {summary} (dry run: nothing was written).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{path.name}: {kind}: {summary}."))
