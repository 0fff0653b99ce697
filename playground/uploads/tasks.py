"""The background task that processes an upload (enqueued through django.tasks, like runs)."""

from django.db import connections
from django.tasks import task

from playground.uploads import processing


@task
def process_dataset(dataset_id):
    try:
        processing.dataset_process(dataset_id)
    finally:
        connections.close_all()  # a pool thread or a worker: nothing keeps this connection
