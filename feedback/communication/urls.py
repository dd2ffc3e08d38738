"""Pages of the communication log and plan, under /feedback/ (namespace "feedback")."""

from django.urls import path

from feedback.communication import views

urlpatterns = [
    path("communication/", views.communication_list, name="communication_list"),
    path("communication/new/", views.communication_create, name="communication_create"),
    path("communication/<int:pk>/", views.communication_detail, name="communication_detail"),
    path("communication/<int:pk>/edit/", views.communication_edit, name="communication_edit"),
    path("communication/<int:pk>/void/", views.communication_void_page, name="communication_void"),
    path("communication/email/<int:pk>/", views.communication_email, name="communication_email"),
    path(
        "communication/email/<int:pk>/html/",
        views.communication_email_html,
        name="communication_email_html",
    ),
    path("communication/plan/", views.plan, name="plan"),
    path("communication/plan/approve/", views.plan_approve_page, name="plan_approve"),
    path("communication/plan/rows/new/", views.plan_row_create, name="plan_row_create"),
    path("communication/plan/rows/<int:pk>/", views.plan_row_detail, name="plan_row_detail"),
    path("communication/plan/rows/<int:pk>/edit/", views.plan_row_edit, name="plan_row_edit"),
    path(
        "communication/plan/rows/<int:pk>/reschedule/",
        views.plan_row_reschedule_page,
        name="plan_row_reschedule",
    ),
    path(
        "communication/plan/rows/<int:pk>/withdraw/",
        views.plan_row_withdraw_page,
        name="plan_row_withdraw",
    ),
]
