from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchange.dataset_loader import DatasetError, LoadReport, load_dataset


def dataset_names() -> list[str]:
    """Every dataset in DATASETS_DIR (``<name>.yaml``, not the ``<name>.fr.yaml`` companions), by name."""
    return sorted(path.stem for path in Path(settings.DATASETS_DIR).glob("*.yaml") if "." not in path.stem)


class Command(BaseCommand):
    help = (
        "Load a dispute dataset (datasets/<name>.yaml), or every dataset with --all; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Dataset name, e.g. canada-china, or a path to a .yaml file")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="load_all",
            help="Load every dataset, each after the ones it names (actors, measures it links to)",
        )

    def handle(self, *args, name=None, load_all=False, **options):
        if load_all == bool(name):
            raise CommandError("Name one dataset, or give --all.")
        if not load_all:
            self.show(name, self.load(name))
            return
        self.load_every_dataset(dataset_names())

    def load(self, name: str) -> LoadReport:
        try:
            return load_dataset(name)
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc

    def show(self, name: str, report: LoadReport) -> None:
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Loaded {name}: {report.changes} change(s)."))

    def load_every_dataset(self, names: list[str]) -> None:
        """Load the datasets in passes: one that names a record of a dataset not loaded yet (an actor, a measure it
        is stacked on) fails whole and is tried again in the next pass; links between two datasets that name each
        other wait for the second one, then the first is loaded again to write them."""
        pending, waiting, changes = list(names), [], 0
        while pending:
            failed: dict[str, str] = {}
            for name in pending:
                try:
                    report = load_dataset(name)
                except DatasetError as exc:
                    failed[name] = str(exc)
                    continue
                self.show(name, report)
                changes += report.changes
                if report.waiting:
                    waiting.append(name)
            if len(failed) == len(pending):
                raise CommandError("; ".join(f"{name}: {error}" for name, error in failed.items()))
            pending = list(failed)
        for name in waiting:
            report = self.load(name)
            self.show(name, report)
            changes += report.changes
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(names)} dataset(s): {changes} change(s)."))
