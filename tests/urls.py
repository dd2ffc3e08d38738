from django.urls import include, path

from qms.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("testapp/", include("tests.testapp.urls")),
]
