"""Rate limits kept in the cache: how often something may happen per key per window.

One helper for every limit that is not django-axes' count of failed logins per account:
password reset requests per address and per client, failed logins per client across
accounts, and the public customer forms. Each limit is named in ``RATE_LIMITS``
(``name -> (how many, per how many seconds)``), so a limit is one setting.

The window is fixed on the clock (an hourly limit runs from each hour to the next), so
a refusal can say exactly when it ends, and it ends by itself: nothing is locked for
good. A burst at the end of one window and the start of the next may reach twice the
limit; for these limits that is an acceptable price for one cache key per window.
Keys are an HMAC of the name and the key, so the cache holds no email address or
client address in clear.

The count lives in the ``default`` cache: Redis in production, shared by every web
process. The embedded default's local-memory cache counts per process, which is
enough for one developer's ``make run``.
"""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """Whether a request is within its limit, and if not, the seconds until it is."""

    allowed: bool
    retry_after: int = 0

    @property
    def minutes(self) -> int:
        """Return the minutes to wait, rounded up: "try again in N minutes"."""
        return math.ceil(self.retry_after / 60)


def _limit(name: str) -> tuple[int, int]:
    try:
        count, seconds = settings.RATE_LIMITS[name]
    except KeyError:
        raise KeyError(f"RATE_LIMITS has no entry {name!r}") from None
    return int(count), int(seconds)


def _window(name: str, key: str) -> tuple[str, int, int]:
    """Return the cache key of the current window, the limit and the seconds left."""
    count, seconds = _limit(name)
    now = time.time()
    start = int(now // seconds) * seconds
    digest = salted_hmac("core.throttle", f"{name}\n{key}").hexdigest()
    left = max(1, math.ceil(start + seconds - now))
    return f"throttle:{name}:{start}:{digest}", count, left


def hit(name: str, key: str) -> Verdict:
    """Count one request for ``key`` under the limit ``name``; say whether it is within.

    A cache that does not answer lets the request through, with an error in the log:
    a limit must not take the login or the reset page down with it.
    """
    cache_key, count, left = _window(name, key)
    try:
        # add() starts the window's count (it does nothing if another request did);
        # incr() is atomic on Redis, so concurrent requests are each counted once.
        cache.add(cache_key, 0, timeout=left + 1)
        try:
            seen = cache.incr(cache_key)
        except ValueError:  # the key expired between add() and incr()
            cache.add(cache_key, 1, timeout=left + 1)
            seen = 1
    except Exception:  # any backend's failure: let the request through
        logger.exception("Rate limit %s not applied: the cache did not answer", name)
        return Verdict(allowed=True)
    return Verdict(allowed=True) if seen <= count else Verdict(allowed=False, retry_after=left)


def check(name: str, key: str) -> Verdict:
    """Say whether ``key`` is within the limit ``name`` without counting a request.

    For limits on failures: check before the attempt, ``hit`` only when it fails.
    """
    cache_key, count, left = _window(name, key)
    try:
        seen = cache.get(cache_key, 0)
    except Exception:  # as in hit()
        logger.exception("Rate limit %s not applied: the cache did not answer", name)
        return Verdict(allowed=True)
    return Verdict(allowed=True) if seen < count else Verdict(allowed=False, retry_after=left)
