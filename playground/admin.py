from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from playground.models import Dataset, Experiment, Run
from playground.uploads.admin import DatasetAdmin

admin.site.site_header = _("Neural Network Playground administration")
admin.site.site_title = _("Neural Network Playground")
admin.site.register(Dataset, DatasetAdmin)  # uploads, status and progress, versions: playground/uploads/admin.py


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "owner", "visibility", "saved", "created")
    list_filter = ("visibility",)
    search_fields = ("title", "slug")


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("pk", "experiment", "status", "created", "finished")
    list_filter = ("status",)
    exclude = ("weights",)
