from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from playground import views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/catalog/", views.api_catalog, name="api-catalog"),
    path("api/runs/", views.api_runs, name="api-runs"),
    path("api/runs/<int:run_id>/", views.api_run_detail, name="api-run-detail"),
    path("api/runs/<int:run_id>/predict/", views.api_run_predict, name="api-run-predict"),
    path("api/specs/validate/", views.api_spec_validate, name="api-spec-validate"),
    path("api/specs/code/", views.api_spec_code, name="api-spec-code"),
    path("api/datasets/preview/", views.api_dataset_preview, name="api-dataset-preview"),
    path("datasets/", include("playground.uploads.urls")),  # dataset pages
    path("lessons/", include("playground.lessons.urls")),  # the course, with each learner's progress
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: POST, remembered in a cookie
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("playground.experiment_urls")),  # saved experiments, accounts
]
