"""Datasets in the Django admin (staff only): upload, status and progress, new versions,
archive, and deletion that never breaks a saved experiment."""

from django.contrib import admin, messages
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from playground.models import Dataset
from playground.uploads import forms, selectors, services
from trainer import datasets

OPTIONS = (
    "target",
    "label_column",
    "height",
    "width",
    "color",
    "lowercase",
    "remove_stopwords",
    "max_vocab",
    "max_length",
    "tokens",
)


class DatasetAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "kind", "task", "version", "status_column", "samples", "archived", "builtin")
    list_filter = ("builtin", "kind", "status", "archived")
    search_fields = ("slug", "title")
    ordering = ("builtin", "-created")  # the latest uploads first
    actions = ["archive", "unarchive"]

    class Media:
        js = ["js/datasets/admin_progress.js"]
        css = {"all": ["css/datasets.css"]}

    # --- forms -------------------------------------------------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = forms.UploadForm if obj is None else forms.ReplaceForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["name", "title", "kind", "file", "description"]}),
                (gettext_lazy("2-D points and tabular"), {"fields": ["target", "label_column"]}),
                (gettext_lazy("Images"), {"fields": ["height", "width", "color"]}),
                (
                    gettext_lazy("Text pipeline"),
                    {"fields": ["tokens", "lowercase", "remove_stopwords", "max_vocab", "max_length"]},
                ),
            ]
        about = ["slug", "kind", "task", "version", "status_column", "samples", "page_link", "created"]
        if obj.builtin:
            return [(None, {"fields": ["title", *about]})]
        return [
            (None, {"fields": ["title", "description", "archived", *about, "uploaded_by", "source", "options"]}),
            (
                gettext_lazy("New version"),
                {
                    "fields": ["file", *self._option_fields(obj)],
                    "description": _("Upload a new file to make the next version of this dataset."),
                },
            ),
        ]

    def _option_fields(self, obj):
        return list(forms.OptionsMixin.OPTION_FIELDS.get(obj.kind, ()))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = [
            "slug",
            "kind",
            "task",
            "version",
            "status_column",
            "samples",
            "page_link",
            "created",
            "uploaded_by",
            "source",
            "options",
        ]
        return fields + (["title"] if obj.builtin else [])

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = services.dataset_upload(
                name=data["name"],
                title=data["title"],
                kind=data["kind"],
                upload=form.content,
                options=form.options_for(data["kind"]),
                checked=form.checked,
                description=data.get("description", ""),
                user=request.user,
            )
            obj.pk, obj.slug = saved.pk, saved.slug
            obj._state.adding = False
            return
        obj.metadata = {**obj.metadata, "description": data.get("description", "")}
        obj.save()
        if getattr(form, "checked", None) is not None:
            new = services.dataset_new_version(
                obj, upload=form.content, options=form.options_for(obj.kind), checked=form.checked, user=request.user
            )
            url = reverse("admin:playground_dataset_change", args=[new.pk])
            self.message_user(
                request,
                format_html(_('Version {} is being processed as <a href="{}">{}</a>.'), new.version, url, new.slug),
            )

    # --- the list: status with progress, polled while processing -----------------------------------

    @admin.display(description=gettext_lazy("status"))
    def status_column(self, obj):
        pending = obj.status == Dataset.Status.PROCESSING
        return format_html(
            '<span class="upload-status" data-id="{}" data-status="{}"><b>{}</b> {}<progress max="100" '
            'value="{}"{}></progress> <span class="upload-message">{}</span></span>',
            obj.pk,
            obj.status,
            obj.get_status_display(),
            f"{obj.progress}%" if pending else "",
            obj.progress,
            "" if pending else " hidden",
            obj.message,
        )

    @admin.display(description=gettext_lazy("samples"))
    def samples(self, obj):
        info = datasets.BUILTIN.get(obj.slug) if obj.builtin else None
        return obj.metadata.get("samples") or (info.default_samples if info else "")

    @admin.display(description=gettext_lazy("page"))
    def page_link(self, obj):
        if obj.builtin or obj.is_ready:
            url = reverse("dataset-detail", args=[obj.slug])
            return format_html('<a href="{}">{}</a>', url, url)
        return _("once it is ready")

    def get_urls(self):
        progress = path("progress/", self.admin_site.admin_view(self.progress_view), name="playground_dataset_progress")
        return [progress, *super().get_urls()]

    def progress_view(self, request):
        """{"datasets": [{id, status, progress, message}]} for ?ids=1,2 (the list polls it)."""
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][:100]
        rows = Dataset.objects.filter(pk__in=ids).values("id", "status", "progress", "message")
        return JsonResponse({"datasets": list(rows)})

    # --- archive and delete --------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Archive: hide from the playground (saved experiments still load it)"))
    def archive(self, request, queryset):
        for row in queryset:
            services.dataset_archive(row, True)

    @admin.action(description=gettext_lazy("Unarchive"))
    def unarchive(self, request, queryset):
        for row in queryset:
            services.dataset_archive(row, False)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.builtin)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for row in objs:
            if row.builtin:
                protected.append(_("%(name)s is built in") % {"name": row.slug})
            elif reason := selectors.dataset_in_use(row):
                protected.append(reason)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        try:
            services.dataset_delete(obj)
        except services.DatasetInUse as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            self.delete_model(request, row)
