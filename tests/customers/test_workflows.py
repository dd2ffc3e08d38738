"""The transition tables of the real workflows, each tested on its own.

The cases are read from each model's ``TRANSITIONS``, so the tests follow the table:
every move in it is saved and announced, every other pair of statuses is refused.
"""

from datetime import date
from itertools import product

import pytest

from core.history import bulk_update_with_history
from core.records import TransitionNotAllowedError, status_changed
from customers.models import Commitment, Customer, Need, Requirement
from tests.factories import (
    CommitmentFactory,
    CustomerFactory,
    NeedFactory,
    RequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# How to make a record of each workflow. A customer carries the date and the reason a
# lost one needs, so that a move to lost can be saved.
WORKFLOWS = {
    Customer: lambda: CustomerFactory(lost_on=date(2026, 1, 15), lost_reason="Chose a rival"),
    Need: NeedFactory,
    Requirement: RequirementFactory,
    Commitment: CommitmentFactory,
}


def moves(*, allowed):
    """Yield (model, start, target) for every pair of statuses the table allows, or not."""
    for model in WORKFLOWS:
        for start, target in product(model.Status.values, repeat=2):
            if (target in model.TRANSITIONS.get(start, frozenset())) is allowed:
                yield pytest.param(model, start, target, id=f"{model.__name__}:{start}->{target}")


def stored_in(model, status):
    """Return a record of ``model`` as loaded from the database, put in ``status``
    directly (the setup is not the move under test), with its history row."""
    record = WORKFLOWS[model]()
    record.status = status
    bulk_update_with_history([record], model, ["status"])
    return model.objects.get(pk=record.pk)


def label(model, status):
    return str(dict(model.Status.choices)[status]).lower()


@pytest.fixture
def announced():
    """Collect (sender, old, new) for each move status_changed announces."""
    received = []

    def receive(sender, old, new, **kwargs):
        received.append((sender, old, new))

    status_changed.connect(receive, weak=False)
    yield received
    status_changed.disconnect(receive)


@pytest.mark.parametrize("model", WORKFLOWS, ids=lambda model: model.__name__)
def test_the_table_has_a_row_for_every_status_and_leads_only_to_statuses(model):
    assert set(model.TRANSITIONS) == set(model.Status.values)
    assert set().union(*model.TRANSITIONS.values()) <= set(model.Status.values)


@pytest.mark.parametrize(("model", "start", "target"), list(moves(allowed=True)))
def test_a_move_in_the_table_is_saved_and_announced(
    model, start, target, announced, django_capture_on_commit_callbacks
):
    record = stored_in(model, start)
    person = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        record.set_status(target, by=person, reason="Table test")
        record.save()

    assert model.objects.get(pk=record.pk).status == target
    assert announced == [(model, start, target)]
    latest = record.history.first()
    assert (latest.history_user, latest.history_change_reason) == (person, "Table test")


@pytest.mark.parametrize(("model", "start", "target"), list(moves(allowed=False)))
def test_a_move_outside_the_table_is_refused_naming_both_statuses(model, start, target):
    record = stored_in(model, start)

    with pytest.raises(TransitionNotAllowedError) as refused:
        record.set_status(target)

    assert str(refused.value) == (
        f"A record that is {label(model, start)} cannot be made {label(model, target)}."
    )
    assert record.status == start
    assert model.objects.get(pk=record.pk).status == start
