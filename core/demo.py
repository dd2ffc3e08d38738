"""Demo users, one per role, for `make run`; loading twice duplicates nothing."""

from django.contrib.auth.models import Group
from django.db import transaction

from core.models import User
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
