from django.contrib import admin

from playground.models import Dataset, Experiment, Run
from playground.uploads.admin import DatasetAdmin

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
