"""The feedback app's Celery tasks, one module per register (autodiscovered here)."""

from feedback.communication.tasks import *  # noqa: F403
from feedback.complaints.tasks import *  # noqa: F403
