"""Pages of the responses register, under /surveys/ (namespace "surveys")."""

from django.urls import path

from surveys.responses import views

urlpatterns = [
    path("responses/", views.response_list, name="response_list"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
]
