"""The workflow table, every move: each allowed move goes through and is announced
with who and why; each forbidden one is refused with the workflow's message."""

import itertools

import pytest

from core.records import TransitionNotAllowedError, status_changed
from feedback.models import FeedbackItem
from tests.feedback.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

Kind, Status = FeedbackItem.Kind, FeedbackItem.Status
STATUSES = list(Status)
OTHER_KINDS = [k for k in Kind if k != Kind.COMPLAINT]

COMPLAINT_ALLOWED = {
    (Status.RECEIVED, Status.ACKNOWLEDGED),
    (Status.ACKNOWLEDGED, Status.ASSESSED),
    (Status.ASSESSED, Status.INVESTIGATING),
    (Status.ASSESSED, Status.RESPONDED),
    (Status.INVESTIGATING, Status.RESPONDED),
    (Status.RESPONDED, Status.CLOSED),
    (Status.RESPONDED, Status.INVESTIGATING),
    (Status.CLOSED, Status.INVESTIGATING),
}
OTHER_ALLOWED = {
    (Status.RECEIVED, Status.ACKNOWLEDGED),
    (Status.RECEIVED, Status.CLOSED),
    (Status.ACKNOWLEDGED, Status.RESPONDED),
    (Status.ACKNOWLEDGED, Status.CLOSED),
    (Status.RESPONDED, Status.CLOSED),
    (Status.CLOSED, Status.RECEIVED),
}
PAIRS = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if a != b]
CASES = [(Kind.COMPLAINT, a, b, (a, b) in COMPLAINT_ALLOWED) for a, b in PAIRS] + [
    (kind, a, b, (a, b) in OTHER_ALLOWED) for kind in OTHER_KINDS for a, b in PAIRS
]


@pytest.fixture
def heard():
    moves = []

    def receiver(sender, **kwargs):
        moves.append(kwargs)

    status_changed.connect(receiver, sender=FeedbackItem, weak=False)
    yield moves
    status_changed.disconnect(receiver, sender=FeedbackItem)


@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join(map(str, case)))
def test_every_move_of_the_table(case, manager, heard, django_capture_on_commit_callbacks):
    kind, old, new, allowed = case
    item = FeedbackItemFactory(kind=kind, status=old)
    item = FeedbackItem.objects.get(pk=item.pk)
    with django_capture_on_commit_callbacks(execute=True):
        if allowed:
            item.set_status(new, by=manager, reason="Because")
            item.save()
        else:
            with pytest.raises(TransitionNotAllowedError) as refused:
                item.set_status(new, by=manager, reason="Because")
            assert str(refused.value) == (
                f"A record that is {old.label.lower()} cannot be made {new.label.lower()}."
            )
    item.refresh_from_db()
    if allowed:
        assert item.status == new
        assert [(m["old"], m["new"], m["by"], m["reason"]) for m in heard] == [
            (old, new, manager, "Because")
        ]
        latest = item.history.first()
        assert (latest.history_user, latest.history_change_reason) == (manager, "Because")
    else:
        assert item.status == old
        assert heard == []


def test_the_table_is_what_the_model_holds():
    assert {
        (a, b) for a, targets in FeedbackItem.COMPLAINT_TRANSITIONS.items() for b in targets
    } == COMPLAINT_ALLOWED
    assert {
        (a, b) for a, targets in FeedbackItem.OTHER_TRANSITIONS.items() for b in targets
    } == OTHER_ALLOWED
