from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("core.urls")),
    path("customers/", include("customers.urls")),
    path("admin/", admin.site.urls),
]
