"""Saved experiments and accounts (included by playground.urls)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from playground import account_views
from playground import experiment_views as views

urlpatterns = [
    path("experiments/", views.experiment_list, name="experiments"),
    path("experiments/compare/", views.experiment_compare, name="experiments-compare"),
    path("experiments/<slug:slug>/", views.experiment_detail, name="experiment"),
    path("experiments/<slug:slug>/edit/", views.experiment_edit, name="experiment-edit"),
    path("experiments/<slug:slug>/delete/", views.experiment_delete, name="experiment-delete"),
    path("experiments/<slug:slug>/rerun/", views.experiment_rerun, name="experiment-rerun"),
    path("experiments/<slug:slug>/export/<str:what>", views.experiment_export, name="experiment-export"),
    path("api/experiments/", views.api_experiments, name="api-experiments"),
    path("api/experiments/compare/", views.api_experiments_compare, name="api-experiments-compare"),
    path("api/experiments/<slug:slug>/", views.api_experiment, name="api-experiment"),
    path("api/experiments/<slug:slug>/rerun/", views.api_experiment_rerun, name="api-experiment-rerun"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/login/", account_views.ClaimingLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
