"""Pages of the feedback and complaints register, under /feedback/ (namespace "feedback")."""

from django.urls import path

from feedback.complaints import views

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_create, name="item_create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/attach/", views.item_attach, name="item_attach"),
    path("<int:pk>/void/", views.item_void, name="item_void"),
    path("<int:pk>/assign/", views.item_assign, name="item_assign"),
    path("<int:pk>/<slug:step>/", views.item_step, name="item_step"),
]
