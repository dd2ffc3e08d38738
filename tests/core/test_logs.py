"""No log line carries the secret of a link: the handler's filter hides it."""

import logging
import secrets

import pytest

from core.logs import HIDDEN, HideLinkTokens, hide_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """Collect the lines the project's log handler would write, through its filters."""
    configured = next(
        handler
        for handler in logging.getLogger("django").handlers
        if any(isinstance(f, HideLinkTokens) for f in handler.filters)
    )
    written: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            written.append(record.getMessage())

    keep = Keep()
    keep.filters = list(configured.filters)
    logger = logging.getLogger("django")
    logger.addHandler(keep)
    yield written
    logger.removeHandler(keep)


def test_a_refused_link_is_logged_without_its_token(client, lines):
    token = secrets.token_urlsafe(24)
    for path in (f"/p/survey/{token}/", f"/p/unsubscribe/one-click/{token}/"):
        client.post(path, {"List-Unsubscribe": "wrong"})
    assert lines
    assert not [line for line in lines if token in line]
    assert any(f"/p/survey/{HIDDEN}/" in line for line in lines)


def test_short_segments_and_other_text_are_kept():
    assert hide_tokens("Not Found: /customers/12/contacts/") == "Not Found: /customers/12/contacts/"
    assert hide_tokens('"GET /p/survey/AbCdEfGhIjKlMnOpQrStUv12/?score=9 HTTP/1.1" 200') == (
        f'"GET /p/survey/{HIDDEN}/?score=9 HTTP/1.1" 200'
    )
    assert hide_tokens(42) == 42
