"""Responses and their answers (9.1.2).

One response per invitation, enforced by the database (``invitation`` is one-to-one):
a double click, a retried post or two links of the same invitation all reach the same
row. A response is saved page by page; ``completed_at`` is set by the post that
submits it, and a response without it is partial (saved to resume later, or left).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer
from surveys.campaigns.models import Invitation, InvitationToken
from surveys.design.models import Question, QuestionnaireVersion


class ResponseQuerySet(models.QuerySet):
    def completed(self) -> "ResponseQuerySet":
        return self.filter(completed_at__isnull=False)

    def partial(self) -> "ResponseQuerySet":
        return self.filter(completed_at__isnull=True)


class Response(models.Model):
    """What one invited contact answered."""

    invitation = models.OneToOneField(
        Invitation, verbose_name=_("invitation"), on_delete=models.PROTECT, related_name="response"
    )
    # The version answered, the contact and their customer, copied from the
    # invitation so the results and the customer's page read them without a join.
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="responses"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    language = models.CharField(_("language"), max_length=5, choices=Contact.Language.choices)
    # The link the answers came through last (any link of the invitation may be used).
    token = models.ForeignKey(
        InvitationToken,
        verbose_name=_("link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The page the customer reached (1-based): where a resumed survey opens.
    page = models.PositiveSmallIntegerField(_("page reached"), default=1)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    completed_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-started_at"], name="surveys_response_customer"),
            models.Index(fields=["contact", "-started_at"], name="surveys_response_contact"),
            models.Index(fields=["version", "completed_at"], name="surveys_response_version"),
        ]

    def __str__(self) -> str:
        return str(_("Response %(number)s") % {"number": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("surveys:response_detail", args=[self.pk])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Answer(models.Model):
    """One question's answer in a response: a score, choices, or text."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.PROTECT, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    # The codes of the chosen choices (one for a single choice).
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        ordering = ["response", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint("response", "question", name="surveys_answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="surveys_answer_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["question", "score"], name="surveys_answer_question")]

    def __str__(self) -> str:
        return f"{self.response} · {self.question_id}"
