from surveys.campaigns.urls import urlpatterns as campaigns
from surveys.design.urls import urlpatterns as design
from surveys.responses.urls import urlpatterns as responses

app_name = "surveys"
urlpatterns = [*design, *campaigns, *responses]
