"""Many clients posting the same survey at once: what the SQLite and PostgreSQL
tests share."""

import threading
from typing import Any

from django.db import connection
from django.test import Client

from surveys.design.models import Question
from tests.surveys.factories import QuestionFactory, VersionFactory, approve, invite


def one_page_survey() -> tuple[Any, str, Question]:
    """Return an invitation to a one-page CSAT survey, its token and its question."""
    version: Any = VersionFactory()
    question: Any = QuestionFactory(version=version, kind=Question.Kind.CSAT)
    approve(version)
    invitation, token = invite(version=version)
    return invitation, token, question


def post_at_once(token: str, data: dict[str, Any], count: int) -> list[int]:
    """Post ``data`` to the answer page from ``count`` threads released together, each
    with its own client and database connection; return the status codes."""
    start = threading.Barrier(count)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            client = Client()
            start.wait()
            statuses.append(client.post(f"/p/survey/{token}/", data).status_code)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
    return statuses
