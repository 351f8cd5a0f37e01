from django.core.management.base import BaseCommand, CommandError

from exchange.dataset_loader import DatasetError, load_dataset


class Command(BaseCommand):
    help = "Load a dispute dataset (datasets/<name>.yaml); running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Dataset name, e.g. canada-china, or a path to a .yaml file")

    def handle(self, *args, name, **options):
        try:
            report = load_dataset(name)
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Loaded {name}: {report.changes} change(s)."))
