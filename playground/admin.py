from django.contrib import admin

from playground.models import Dataset, Experiment, Run


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "kind", "task", "builtin")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "owner", "created")


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("pk", "experiment", "status", "created", "finished")
    list_filter = ("status",)
    exclude = ("weights",)
