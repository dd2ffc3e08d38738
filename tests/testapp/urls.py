from django.urls import path

from tests.testapp import views

app_name = "testapp"
urlpatterns = [
    path("widgets/", views.widget_list, name="widget_list"),
    path("widgets/<int:pk>/", views.widget_detail, name="widget_detail"),
]
