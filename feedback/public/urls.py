"""The public feedback pages, under /p/feedback/: no login (namespace "feedback_public")."""

from django.urls import path

from feedback.public import views

app_name = "feedback_public"
urlpatterns = [
    path("", views.form, name="form"),
    path("to/<str:token>/", views.form, name="form_for"),
    path("status/<str:token>/", views.status, name="status"),
]
