"""The tasks, enqueued through django.tasks: the run's (playground.services.run_enqueue), and
predict, which the view asks for and waits on (playground.taskbackend.ask). Thin: the work is
playground.compute's, the one module that knows both Django and the engine."""

from django.tasks import task

from playground import compute, slots


@task
def train_run(run_id):
    # The compute slot the task backend or the Celery worker gives the run (None: unlimited).
    compute.run_train(run_id, slots.current.get())


@task
def fill_snapshots(run_id):
    # A saved run's time slider, replayed where runs train (it takes a compute slot as they do).
    compute.fill_snapshots(run_id)


@task
def predict(run_id, pixels=None, text=None):
    # Where runs train (a thread of the embedded server, or a worker); JSON in, JSON out.
    return compute.predict(run_id, pixels=pixels, text=text)
