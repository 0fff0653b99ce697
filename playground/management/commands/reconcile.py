from django.core.management.base import BaseCommand

from playground import services


class Command(BaseCommand):
    help = ("Mark runs left queued/running/paused by a previous embedded server as failed. "
            "Only for the embedded mode (make run): in the scaled-out mode workers outlive web servers.")

    def handle(self, *args, **options):
        self.stdout.write(f"{services.runs_reconcile()} unfinished runs marked failed")
