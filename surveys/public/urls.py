"""The pages customers answer surveys and unsubscribe on: under /p/, no login."""

from django.urls import path

from surveys.public import views

app_name = "surveys_public"
urlpatterns = [
    path("survey/<str:token>/", views.answer, name="answer"),
    path("survey/<str:token>/thanks/", views.thanks, name="thanks"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/one-click/<str:token>/", views.one_click, name="one_click"),
]
