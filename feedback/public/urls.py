"""The public feedback pages, under /p/feedback/: no login (namespace "feedback_public"),
and the staff page that emails a contact their link (in the "feedback" namespace)."""

from django.urls import path

from feedback.public import views

app_name = "feedback_public"
urlpatterns = [
    path("", views.form, name="form"),
    path("to/<str:token>/", views.form_for, name="form_for"),
    path("received/<str:receipt>/", views.received, name="received"),
    path("status/<str:token>/", views.status, name="status"),
    path("status/<str:token>/more/", views.form_more, name="form_more"),
]

# Included by feedback/urls.py under /feedback/.
staff_urlpatterns = [
    path(
        "contacts/<int:pk>/feedback-link/",
        views.contact_link_send,
        name="contact_link_send",
    ),
]
