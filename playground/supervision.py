"""The reconciler: what keeps runs honest when their worker is gone.

`reconcile_lost` fails running runs whose heartbeat is too old (their worker was killed
or cut off) and tells their viewers, and sends again the tasks of runs queued (and of
uploads waiting) too long: a broker that restarted empty lost them. Every worker calls it
periodically (playground.celery); so does `manage.py reconcile --lost`.

What guards a run while its task trains it (database retries, heartbeat, warm shutdown,
time limits, compute slots) is playground.runguard, which the task uses; this module
enqueues tasks again, so the task must not import it. Plain Django: no JAX, no Celery.
"""

import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, connections

from playground import runguard, services, streams
from playground.runguard import idle_message, wall_clock_message  # noqa: F401 (their messages' tests name them here)
from playground.uploads import services as upload_services
from trainer import events

logger = logging.getLogger(__name__)


def lost_message(age_s):
    """The stored end message of a run failed as lost (its template is runguard.LOST, beside the
    other stop messages)."""
    return runguard.LOST % {"age": f"{age_s:g}"}


def reconcile_lost(max_age_s=None):
    """Fail running/paused runs whose heartbeat is older than max_age_s
    (PLAYGROUND_WORKER_LOST_AFTER_S), and send their viewers a status and a done frame.
    Then sends again the tasks of runs queued, and of uploads waiting to be processed,
    for PLAYGROUND_REQUEUE_AFTER_S.
    Returns the ids of the runs failed."""
    after = settings.PLAYGROUND_REQUEUE_AFTER_S
    if requeued := services.runs_requeue_lost(after):
        logger.warning("runs %s still queued after %g s: their tasks sent again", requeued, after)
    if requeued := upload_services.datasets_requeue_lost(after):
        logger.warning("uploads %s still waiting after %g s: their processing tasks sent again", requeued, after)
    max_age_s = settings.PLAYGROUND_WORKER_LOST_AFTER_S if max_age_s is None else max_age_s
    message = lost_message(max_age_s)
    failed = services.runs_fail_lost(max_age_s, message)
    if failed:
        layer = get_channel_layer()
        for run_id in failed:
            logger.warning("run %s failed: worker lost (no heartbeat for %g s)", run_id, max_age_s)
            frames = [events.status("failed", message), events.done("failed", {}, message)]
            try:
                async_to_sync(layer.group_send)(streams.group_name(run_id), streams.frames_message(frames))
            except Exception:  # the run is failed in the database; a viewer who reconnects sees it
                logger.exception("run %s: could not tell its viewers", run_id)
    return failed


def reconcile_forever(every_s=None, stop=None):
    """reconcile_lost every PLAYGROUND_RECONCILE_EVERY_S until `stop` (a threading.Event) is set.
    Errors (the database or Redis away) are logged, never raised: the next round tries again."""
    every_s = settings.PLAYGROUND_RECONCILE_EVERY_S if every_s is None else every_s
    stop = stop or threading.Event()
    try:
        while True:
            try:
                reconcile_lost()
            except Exception:
                logger.exception("reconciling lost runs failed; trying again in %g s", every_s)
                connection.close()
            if stop.wait(every_s):
                return
    finally:
        connections.close_all()
