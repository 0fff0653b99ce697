from django.core.management.base import BaseCommand

from playground.models import Dataset
from trainer import datasets, spec


class Command(BaseCommand):
    help = "Create or update the built-in Dataset rows from trainer.datasets (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--tokenize",
            action="store_true",
            help="also tokenize the built-in text sets at every level, filling the token cache (minutes, once)",
        )

    def handle(self, *args, **options):
        for info in datasets.BUILTIN.values():
            Dataset.objects.update_or_create(
                slug=info.name,
                defaults={
                    "title": info.title,
                    "kind": info.kind,
                    "task": info.task,
                    "builtin": True,
                    "metadata": {"description": info.description, "classes": info.classes, "credit": info.credit},
                },
            )
        self.stdout.write(f"{len(datasets.BUILTIN)} built-in datasets")
        if options["tokenize"]:  # once per deploy: the first text run then starts in seconds, not minutes
            for info in datasets.BUILTIN.values():
                if info.kind == "text":
                    ds = spec.parse_dataset({"name": info.name})
                    datasets.text_levels(ds, [])  # every shown level, through trainer.tokencache
                    self.stdout.write(f"{info.name}: tokens cached ({', '.join(datasets.SHOWN_LEVELS)})")
