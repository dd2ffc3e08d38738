from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("core.urls")),
    path("customers/", include("customers.urls")),
    path("feedback/", include("feedback.urls")),
    path("surveys/", include("surveys.urls")),
    # Every page for people without an account is under /p/: one prefix carries the
    # public rate limits and caching rules.
    path("p/feedback/", include("feedback.public.urls")),
    path("p/", include("surveys.public.urls")),
    path("admin/", admin.site.urls),
]
