from django.urls import path

from customers.register import views
from customers.requirements import views as rviews

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/void/", views.customer_void, name="customer_void"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/void/", views.contact_void, name="contact_void"),
    path("contacts/<int:pk>/erase/", views.contact_erase_view, name="contact_erase"),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/<int:pk>/edit/", views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/void/", views.segment_void, name="segment_void"),
    path("catalogue/", views.product_list, name="product_list"),
    path("catalogue/new/", views.product_create, name="product_create"),
    path("catalogue/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("catalogue/<int:pk>/void/", views.product_void, name="product_void"),
    path("import/", views.import_start_view, name="import_start"),
    path("import/template/<slug:kind>.csv", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm_view, name="import_confirm"),
    path("export/customers.csv", views.export_customers, name="export_customers"),
    path("export/contacts.csv", views.export_contacts, name="export_contacts"),
    # Needs, requirements, commitments and their changes (4.2, 8.2).
    path("needs/", rviews.need_list, name="need_list"),
    path("needs/new/", rviews.need_create, name="need_create"),
    path("needs/<int:pk>/", rviews.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", rviews.need_edit, name="need_edit"),
    path("needs/<int:pk>/void/", rviews.need_void, name="need_void"),
    path("requirements/", rviews.requirement_list, name="requirement_list"),
    path("requirements/new/", rviews.requirement_create_view, name="requirement_create"),
    path("requirements/<int:pk>/", rviews.requirement_detail, name="requirement_detail"),
    path("requirements/<int:pk>/edit/", rviews.requirement_edit, name="requirement_edit"),
    path("requirements/<int:pk>/status/", rviews.requirement_status, name="requirement_status"),
    path(
        "requirements/<int:pk>/recheck/",
        rviews.requirement_recheck_view,
        name="requirement_recheck",
    ),
    path("requirements/<int:pk>/void/", rviews.requirement_void, name="requirement_void"),
    path("commitments/", rviews.commitment_list, name="commitment_list"),
    path("commitments/new/", rviews.commitment_create_view, name="commitment_create"),
    path("commitments/<int:pk>/", rviews.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/edit/", rviews.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/review/", rviews.commitment_review_view, name="commitment_review"),
    path("commitments/<int:pk>/make/", rviews.commitment_make_view, name="commitment_make"),
    path(
        "commitments/<int:pk>/withdraw/",
        rviews.commitment_withdraw_view,
        name="commitment_withdraw",
    ),
    path("commitments/<int:pk>/void/", rviews.commitment_void, name="commitment_void"),
    path("changes/", rviews.change_list, name="change_list"),
    path("changes/<int:pk>/", rviews.change_detail, name="change_detail"),
    path(
        "changes/<int:pk>/acknowledge/", rviews.change_acknowledge_view, name="change_acknowledge"
    ),
]
