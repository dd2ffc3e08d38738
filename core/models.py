from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import record_history


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=email.strip().lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if extra["is_staff"] is not True or extra["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Email addresses are matched without regard to case, as people type them.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address.

    ``is_staff`` only opens the Django admin; what a person may do in the product
    comes from the role groups in ``core.roles``.
    """

    # Stored in lower case (see save), so the unique index ignores case as people do.
    email = models.EmailField(
        _("email address"),
        max_length=254,
        unique=True,
        error_messages={"unique": _("A user with this email address already exists.")},
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Opens the Django admin. Only superusers should have it."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    # The password hash and login times stay out of the history.
    history = record_history(excluded_fields=["password", "last_login"])

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Heartbeat(models.Model):
    """The last time a periodic process (the worker through beat) showed it was alive."""

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%Y-%m-%d %H:%M:%S}"


class OutboundEmail(models.Model):
    """One email the system sends: a queue row and the communication record at once.

    Append-only in spirit: the state moves forward and each attempt is counted on the
    row, with who caused it and when; it has no history of its own.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    # Stored in lower case (email_queue), as contacts' addresses are, so that the log
    # finds a customer's emails through the recipient index, without lower() per row.
    recipient = models.EmailField(_("recipient"))
    purpose = models.CharField(_("purpose"), max_length=60)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("language"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # Strings (secret links) replaced in the bodies once the email is sent or given up.
    secrets = models.JSONField(default=list, blank=True)
    # Extra headers sent with the message (List-Unsubscribe, say); the secrets in them
    # are removed with those in the bodies.
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("queued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_actor = models.CharField(_("queued by system"), max_length=150, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_email_due"),
            models.Index(fields=["content_type", "object_id"], name="core_email_related"),
            models.Index(fields=["recipient"], name="core_email_recipient"),
            # The communication log pages all emails newest first.
            models.Index(fields=["created_at", "id"], name="core_email_created"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.recipient} ({self.get_state_display()})"
