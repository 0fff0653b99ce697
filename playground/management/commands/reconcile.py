from django.core.management.base import BaseCommand, CommandError

from playground import services, supervision
from playground.uploads import services as upload_services


class Command(BaseCommand):
    help = (
        "Without options (the embedded mode, `make run`): mark every run left queued/running/paused by a "
        "previous embedded server as failed. With --lost (the scaled-out mode, where workers outlive web "
        "servers): fail only running runs whose heartbeat is older than PLAYGROUND_WORKER_LOST_AFTER_S "
        "(their worker is gone), and tell their viewers; --every SECONDS repeats that forever. Workers "
        "already do it themselves; this is for a deployment that wants it even when no worker is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lost", action="store_true", help="only runs whose worker stopped sending heartbeats")
        parser.add_argument("--every", type=float, metavar="SECONDS", help="with --lost: repeat every SECONDS")

    def handle(self, *args, lost=False, every=None, **options):
        if every is not None and not lost:
            raise CommandError("--every needs --lost")
        if every is not None:
            self.stdout.write(f"failing runs without a heartbeat, every {every:g} s")
            supervision.reconcile_forever(every)
        elif lost:
            self.stdout.write(f"{len(supervision.reconcile_lost())} runs without a heartbeat marked failed")
        else:
            self.stdout.write(f"{services.runs_reconcile()} unfinished runs marked failed")
            self.stdout.write(f"{upload_services.datasets_reconcile()} unfinished dataset uploads marked failed")
