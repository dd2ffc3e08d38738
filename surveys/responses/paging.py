"""Which questions a customer is shown, page by page, given the scores given so far.

A version splits its questions into pages (``QuestionnaireVersion.pages``) so that a
question shown on a condition is always on a later page than the score it depends
on: the server decides from the answers already saved, and those just posted, what
to show, and a page with nothing to show is skipped. Pages are numbered from 1.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from surveys.design.models import Question, QuestionnaireVersion

Scores = Mapping[int, int]


def scores_of(answers: Iterable[Any]) -> dict[int, int]:
    """Return question id -> score of the answers that hold a score."""
    return {answer.question_id: answer.score for answer in answers if answer.score is not None}


@dataclass(frozen=True)
class Paging:
    """A version's questions in their pages."""

    pages: list[list[Question]]

    @classmethod
    def of(cls, version: QuestionnaireVersion) -> "Paging":
        return cls(version.pages())

    @property
    def count(self) -> int:
        return len(self.pages)

    def questions(self) -> list[Question]:
        return [question for page in self.pages for question in page]

    def shown(self, number: int, scores: Scores) -> list[Question]:
        """Return the questions of page ``number`` shown for these scores."""
        if not 1 <= number <= self.count:
            return []
        return [question for question in self.pages[number - 1] if question.shown_for(scores)]

    def next_page(self, number: int, scores: Scores) -> int | None:
        """Return the first page after ``number`` with a question to show, or None."""
        return next((n for n in range(number + 1, self.count + 1) if self.shown(n, scores)), None)

    def may_follow(self, number: int, scores: Scores) -> bool:
        """Return whether a page after ``number`` may still be shown: one with a
        question shown always, or on a score not given before this page (a score on
        this page, which the customer may still change, or a later one). The page's
        button says "Next" then, and "Send my answers" only when nothing can follow."""
        decided = {q.pk for page in self.pages[: number - 1] for q in page}
        return any(
            q.show_if_id is None or q.show_if_id not in decided or q.shown_for(scores)
            for page in self.pages[number:]
            for q in page
        )

    def previous_page(self, number: int, scores: Scores) -> int | None:
        """Return the last page before ``number`` with a question to show, or None."""
        return next((n for n in range(number - 1, 0, -1) if self.shown(n, scores)), None)

    def first_page(self) -> int:
        return self.next_page(0, {}) or 1

    def missing(self, answered: Iterable[int], scores: Scores) -> list[Question]:
        """Return the required questions shown for these scores that have no answer."""
        done = set(answered)
        return [
            q for q in self.questions() if q.required and q.shown_for(scores) and q.pk not in done
        ]
