import pytest

from core.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.QUALITY_MANAGER)


@pytest.fixture
def top(db):
    return UserFactory(role=Role.TOP_MANAGEMENT)


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.STAFF)


@pytest.fixture
def auditor(db):
    return UserFactory(role=Role.AUDITOR)
