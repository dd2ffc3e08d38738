"""Pages of the feedback and complaints register, under /feedback/ (namespace "feedback")."""

urlpatterns: list = []
