"""The public feedback form, under /p/feedback/: no login (namespace "feedback_public")."""

app_name = "feedback_public"
urlpatterns: list = []
