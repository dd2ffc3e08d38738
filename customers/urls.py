from django.urls import path

from customers import views

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
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("export/customers.csv", views.export_customers, name="export_customers"),
    path("export/contacts.csv", views.export_contacts, name="export_contacts"),
]
