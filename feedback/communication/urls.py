"""Pages of the communication log and plan, under /feedback/ (namespace "feedback")."""

urlpatterns: list = []
