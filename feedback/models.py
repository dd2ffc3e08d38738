"""The feedback app's models, one sub-package per register."""

from feedback.communication.models import *  # noqa: F403
from feedback.complaints.models import Attachment, FeedbackItem, FeedbackLink

__all__ = ["Attachment", "FeedbackItem", "FeedbackLink"]
