from django.urls import path

from playground.lessons import views

urlpatterns = [
    path("", views.lesson_list, name="lessons"),
    path("<slug:slug>/", views.lesson_detail, name="lesson"),
    path("<slug:slug>/finish/", views.lesson_finish, name="lesson-finish"),
]
