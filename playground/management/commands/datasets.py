from django.core.management.base import BaseCommand

from playground.models import Dataset
from trainer import datasets


class Command(BaseCommand):
    help = "Create or update the built-in Dataset rows from trainer.datasets (idempotent)."

    def handle(self, *args, **options):
        for info in datasets.BUILTIN.values():
            Dataset.objects.update_or_create(
                slug=info.name,
                defaults={"title": info.title, "kind": info.kind, "task": info.task, "builtin": True,
                          "metadata": {"description": info.description, "classes": info.classes}},
            )
        self.stdout.write(f"{len(datasets.BUILTIN)} built-in datasets")
