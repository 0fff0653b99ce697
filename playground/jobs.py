"""The run's task, enqueued through django.tasks (playground.services.run_enqueue). Thin: the
work is playground.compute's, the one module that knows both Django and the engine."""

from django.tasks import task

from playground import compute, slots

# The views predict with a run's weights as jobs.run_predict; it lives in playground.compute.
run_predict = compute.run_predict


@task
def train_run(run_id):
    # The compute slot the task backend or the Celery worker gives the run (None: unlimited).
    compute.run_train(run_id, slots.current.get())
