"""The feedback app's models, one sub-package per register."""

from feedback.communication.models import Communication, PlanRow, PlanVersion, PlanVersionRow
from feedback.complaints.models import Attachment, FeedbackItem, FeedbackLink

__all__ = [
    "Attachment",
    "Communication",
    "FeedbackItem",
    "FeedbackLink",
    "PlanRow",
    "PlanVersion",
    "PlanVersionRow",
]
