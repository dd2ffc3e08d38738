"""Demo users, one per role, for `make run`; loading twice duplicates nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.contrib.auth.models import Group
from django.db import transaction

from core.models import OutboundEmail, User
from core.roles import Role

# Printed on purpose by make run; demo data is refused when DEBUG is off.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105
DEMO_USERS = [
    ("director@example.com", "Meera Iyer", Role.TOP_MANAGEMENT),
    ("quality@example.com", "Daniel Okafor", Role.QUALITY_MANAGER),
    ("staff@example.com", "Priya Sharma", Role.STAFF),
    ("auditor@example.com", "Hannah Weber", Role.AUDITOR),
]


@transaction.atomic
def load() -> list[str]:
    """Create the demo users that are missing; return what was created."""
    created = []
    for email, full_name, role in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
            created.append(f"user {email} ({role.label})")
        user.groups.add(Group.objects.get(name=role.value))
    return created


@contextmanager
def happening_at(when: datetime) -> Iterator[None]:
    """Run the block as if it were ``when``: for the demo loaders only.

    The demo is loaded today but tells of months. The services stamp history rows,
    ``auto_now`` fields and their date checks with ``timezone.now()`` (which
    ``timezone.localdate`` reads too); a step of September must carry September's
    date, or a record would say it closed then while its history says today.
    """
    last = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield
    # A field whose default is the function itself (``default=timezone.now``) holds
    # the unpatched one: the emails the block queued are dated here.
    OutboundEmail.objects.filter(pk__gt=last).update(created_at=when)
