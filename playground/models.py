"""Datasets, experiments (a spec and its owner) and runs (one training of a spec, as it goes)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trainer import events


class Dataset(models.Model):
    class Kind(models.TextChoices):
        POINTS = "points", _("2-D points")
        TABULAR = "tabular", _("tabular")
        IMAGES = "images", _("images")
        TEXT = "text", _("text")

    class Task(models.TextChoices):
        BINARY = "binary", _("binary classification")
        MULTICLASS = "multiclass", _("multi-class classification")
        REGRESSION = "regression", _("regression")

    class Status(models.TextChoices):
        PROCESSING = "processing", _("processing")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    slug = models.SlugField(_("name"), max_length=64, unique=True, help_text=_("the spec's dataset.name"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    task = models.CharField(_("task"), max_length=16, choices=Task.choices)
    builtin = models.BooleanField(_("built in"), default=False)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Uploaded sets (playground/uploads/): one row per version of a file. The slug is
    # `family` for version 1, `family-vN` after; a saved spec names one version for good.
    family = models.SlugField(
        _("family"), max_length=64, blank=True, db_index=True, help_text=_("uploaded: the name its versions share")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.FileField(
        _("source file"), upload_to="datasets/uploads/", max_length=255, blank=True, help_text=_("the file as uploaded")
    )
    arrays = models.CharField(
        _("arrays"), max_length=255, blank=True, help_text=_("storage name of the processed .npz")
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_("choices made on upload (label column, image size, text pipeline)"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.READY, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=100, help_text=_("percent processed"))
    message = models.TextField(_("message"), blank=True, help_text=_("processing step, or why it failed"))
    enqueued = models.DateTimeField(
        _("enqueued"), null=True, blank=True, help_text=_("uploaded: when its processing task was last sent")
    )
    started = models.DateTimeField(
        _("started"), null=True, blank=True, help_text=_("uploaded: when a processing task took it up")
    )
    archived = models.BooleanField(
        _("archived"), default=False, help_text=_("hidden from the picker, still loadable by saved experiments")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["-builtin", "slug"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

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
        PRIVATE = "private", _("private (only me)")
        PUBLIC = "public", _("public (anyone with the link)")

    spec = models.JSONField(_("spec"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="experiments",
        verbose_name=_("owner"),
    )
    owner_session = models.CharField(_("owner session"), max_length=64, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    slug = models.CharField(
        _("slug"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("set when saved; secrets.token_urlsafe"),
    )
    notes = models.TextField(_("notes"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE)
    saved = models.DateTimeField(
        _("saved"), null=True, blank=True, db_index=True, help_text=_("null: a scratch run, not saved")
    )

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self):
        return self.title or _("experiment %(pk)s") % {"pk": self.pk}


# A run's statuses are trainer.events.STATUSES, in its order; here only their labels, each written
# out so that makemessages finds it (a status without a label fails here, at import).
RUN_STATUS_LABELS = {
    "queued": _("queued"),
    "running": _("running"),
    "paused": _("paused"),
    "completed": _("completed"),
    "stopped": _("stopped"),
    "failed": _("failed"),
    "diverged": _("diverged"),
}


class Run(models.Model):
    # Run.Status.QUEUED == "queued", labelled RUN_STATUS_LABELS["queued"], and so on.
    Status = models.TextChoices(
        "Status", [(s.upper(), (s, RUN_STATUS_LABELS[s])) for s in events.STATUSES], qualname="Run.Status"
    )

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.PAUSED)

    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="runs", verbose_name=_("experiment")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    message = models.TextField(_("message"), blank=True)
    steps_per_second = models.FloatField(
        _("steps per second"), null=True, blank=True, help_text=_("requested pacing; null = as fast as possible")
    )
    start_paused = models.BooleanField(
        _("start paused"), default=False, help_text=_("start paused after compiling (the page's Step before any run)")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    enqueued = models.DateTimeField(
        _("enqueued"), null=True, blank=True, help_text=_("when its task was last sent to the task backend")
    )
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    final_metrics = models.JSONField(_("final metrics"), null=True, blank=True)
    probes = models.JSONField(
        _("probes"),
        default=dict,
        blank=True,
        help_text=_("latest boundary and neurons frames by type; the final ones once done"),
    )
    weights = models.BinaryField(
        _("weights"), null=True, blank=True, help_text=_(".npz written by np.savez (no pickles)")
    )
    weights_iteration = models.PositiveIntegerField(
        _("weights iteration"),
        null=True,
        blank=True,
        help_text=_("the iteration the stored weights are from: a live run's latest checkpoint, or the end"),
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("run")
        verbose_name_plural = _("runs")

    def __str__(self):
        return _("run %(pk)s (%(status)s)") % {"pk": self.pk, "status": self.get_status_display()}

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class RunFrame(models.Model):
    """Every metrics frame, in emission order, so a reconnecting viewer replays the whole curve."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="frames", verbose_name=_("run"))
    seq = models.PositiveIntegerField(_("sequence number"))
    payload = models.JSONField(_("payload"))

    class Meta:
        ordering = ["seq"]
        verbose_name = _("run frame")
        verbose_name_plural = _("run frames")
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="runframe_unique_seq")]


class RunSnapshot(models.Model):
    """Probe frames (boundary, neurons, filters, embedding, confusion) at one
    iteration: the experiment page's time slider steps through them."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("run"))
    iteration = models.PositiveIntegerField(_("iteration"))
    frames = models.JSONField(_("frames"), help_text=_("probe type -> frame, as streamed (grids base64 uint8)"))

    class Meta:
        ordering = ["iteration"]
        verbose_name = _("run snapshot")
        verbose_name_plural = _("run snapshots")
        constraints = [models.UniqueConstraint(fields=["run", "iteration"], name="runsnapshot_unique_iteration")]


class LessonProgress(models.Model):
    """A learner's progress through one lesson (playground.lessons): opened when its page was
    viewed, finished when they marked it so. The owner is a user or an anonymous session key."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("owner"),
    )
    owner_session = models.CharField(_("owner session"), max_length=64, blank=True, db_index=True)
    lesson = models.SlugField(_("lesson"), max_length=64)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "lesson"], condition=models.Q(owner__isnull=False), name="lessonprogress_unique_user"
            ),
            models.UniqueConstraint(
                fields=["owner_session", "lesson"],
                condition=models.Q(owner__isnull=True),
                name="lessonprogress_unique_session",
            ),
        ]

    def __str__(self):
        return self.lesson
