"""Pages of the campaigns register, under /surveys/ (namespace "surveys")."""

from django.urls import path

from surveys.campaigns import views

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path(
        "invitations/<int:pk>/withdraw/", views.invitation_withdraw_page, name="invitation_withdraw"
    ),
    path("contacts/<int:pk>/send/", views.invitation_send_page, name="invitation_send"),
]
