"""The surveys app's models: design (questionnaires, versions), campaigns
(invitations and their links) and responses."""

from surveys.campaigns.models import Invitation, InvitationToken, UnsubscribeToken
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion
from surveys.responses.models import Answer, Response

__all__ = [
    "Answer",
    "Invitation",
    "InvitationToken",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "UnsubscribeToken",
]
