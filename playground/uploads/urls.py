from django.urls import path

from playground.uploads import views

urlpatterns = [
    path("", views.dataset_list, name="dataset-list"),
    path("<slug:slug>/", views.dataset_detail, name="dataset-detail"),
]
