"""Log lines never carry the secrets in links.

A survey, unsubscribe or feedback link, and a password-reset link, holds its secret
in the path. Django logs the path of every response of 400 or more (a rate-limited
post, a CSRF failure) and the development server logs every request: the filter on
the log handler replaces each path segment that looks like a token (20 URL-safe
characters or more) before the line is written. A proxy's or gunicorn's own access
log needs the same care (the README's deployment notes say so).
"""

import logging
import re
from typing import Any

TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=[/?#\s\"']|$)")
HIDDEN = "[token]"


def hide_tokens(value: Any) -> Any:
    """Return ``value`` with every token-like path segment replaced (strings only)."""
    return TOKEN_SEGMENT.sub(HIDDEN, value) if isinstance(value, str) else value


class HideLinkTokens(logging.Filter):
    """Replace token-like path segments in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(hide_tokens(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: hide_tokens(arg) for key, arg in record.args.items()}
        return True
