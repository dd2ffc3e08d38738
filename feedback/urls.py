from feedback.communication.urls import urlpatterns as communication
from feedback.complaints.urls import urlpatterns as complaints
from feedback.public.urls import staff_urlpatterns as public_links

app_name = "feedback"
urlpatterns = [*complaints, *communication, *public_links]
