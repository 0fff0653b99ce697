"""Datasets, experiments (a spec and its owner) and runs (one training of a spec, as it goes)."""

from django.conf import settings
from django.db import models


class Dataset(models.Model):
    class Kind(models.TextChoices):
        POINTS = "points", "2-D points"
        TABULAR = "tabular", "tabular"
        IMAGES = "images", "images"
        TEXT = "text", "text"

    class Task(models.TextChoices):
        BINARY = "binary", "binary classification"
        MULTICLASS = "multiclass", "multi-class classification"
        REGRESSION = "regression", "regression"

    class Status(models.TextChoices):
        PROCESSING = "processing"
        READY = "ready"
        FAILED = "failed"

    slug = models.SlugField(max_length=64, unique=True, help_text="the spec's dataset.name")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    task = models.CharField(max_length=16, choices=Task.choices)
    builtin = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Uploaded sets (playground/uploads/): one row per version of a file. The slug is
    # `family` for version 1, `family-vN` after; a saved spec names one version for good.
    family = models.SlugField(max_length=64, blank=True, db_index=True, help_text="uploaded: the name its versions share")
    version = models.PositiveIntegerField(default=1)
    source = models.FileField(upload_to="datasets/uploads/", max_length=255, blank=True, help_text="the file as uploaded")
    arrays = models.CharField(max_length=255, blank=True, help_text="storage name of the processed .npz")
    options = models.JSONField(default=dict, blank=True, help_text="choices made on upload (label column, image size, text pipeline)")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY, db_index=True)
    progress = models.PositiveSmallIntegerField(default=100, help_text="percent processed")
    message = models.TextField(blank=True, help_text="processing step, or why it failed")
    enqueued = models.DateTimeField(null=True, blank=True, help_text="uploaded: when its processing task was last sent")
    started = models.DateTimeField(null=True, blank=True, help_text="uploaded: when a processing task took it up")
    archived = models.BooleanField(default=False, help_text="hidden from the picker, still loadable by saved experiments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-builtin", "slug"]

    def __str__(self):
        return self.slug

    @property
    def is_ready(self):
        return self.status == self.Status.READY


class Experiment(models.Model):
    """A spec plus its owner: a user, or (anonymous visitors) a session key.

    Every run starts as a scratch experiment; its owner saves it (title, notes,
    visibility) and it gets an unguessable slug, the address of its page."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "private (only me)"
        PUBLIC = "public", "public (anyone with the link)"

    spec = models.JSONField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="experiments"
    )
    owner_session = models.CharField(max_length=64, blank=True, db_index=True)
    title = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    slug = models.CharField(max_length=32, unique=True, null=True, blank=True, help_text="set when saved; secrets.token_urlsafe")
    notes = models.TextField(blank=True)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE)
    saved = models.DateTimeField(null=True, blank=True, db_index=True, help_text="null: a scratch run, not saved")

    def __str__(self):
        return self.title or f"experiment {self.pk}"


class Run(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        PAUSED = "paused"
        COMPLETED = "completed"
        STOPPED = "stopped"
        FAILED = "failed"
        DIVERGED = "diverged"

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.PAUSED)

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    message = models.TextField(blank=True)
    steps_per_second = models.FloatField(null=True, blank=True, help_text="requested pacing; null = as fast as possible")
    start_paused = models.BooleanField(default=False, help_text="start paused after compiling (the page's Step before any run)")
    created = models.DateTimeField(auto_now_add=True)
    enqueued = models.DateTimeField(null=True, blank=True, help_text="when its task was last sent to the task backend")
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    final_metrics = models.JSONField(null=True, blank=True)
    probes = models.JSONField(
        default=dict, blank=True, help_text="latest boundary and neurons frames by type; the final ones once done"
    )
    weights = models.BinaryField(null=True, blank=True, help_text=".npz written by np.savez (no pickles)")
    weights_iteration = models.PositiveIntegerField(
        null=True, blank=True, help_text="the iteration the stored weights are from: a live run's latest checkpoint, or the end")

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"run {self.pk} ({self.status})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class RunFrame(models.Model):
    """Every metrics frame, in emission order, so a reconnecting viewer replays the whole curve."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="frames")
    seq = models.PositiveIntegerField()
    payload = models.JSONField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="runframe_unique_seq")]


class RunSnapshot(models.Model):
    """Probe frames (boundary, neurons, filters, embedding, confusion) at one
    iteration: the experiment page's time slider steps through them."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="snapshots")
    iteration = models.PositiveIntegerField()
    frames = models.JSONField(help_text="probe type -> frame, as streamed (grids base64 uint8)")

    class Meta:
        ordering = ["iteration"]
        constraints = [models.UniqueConstraint(fields=["run", "iteration"], name="runsnapshot_unique_iteration")]
