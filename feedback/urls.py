from feedback.communication.urls import urlpatterns as communication
from feedback.complaints.urls import urlpatterns as complaints

app_name = "feedback"
urlpatterns = [*complaints, *communication]
