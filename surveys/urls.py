from django.urls import path

from surveys.campaigns.urls import urlpatterns as campaigns
from surveys.design.urls import urlpatterns as design
from surveys.public.preview import version_preview_frame
from surveys.responses.urls import urlpatterns as responses

app_name = "surveys"
urlpatterns = [
    *design,
    # The designer's preview renders the customer's own page, which the public
    # sub-package owns (the design register sits below it).
    path(
        "versions/<int:pk>/preview/<str:language>/",
        version_preview_frame,
        name="version_preview_frame",
    ),
    *campaigns,
    *responses,
]
