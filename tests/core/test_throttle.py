"""The cache-backed rate limit shared by the reset page, the login and the public forms."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from core import throttle

# Half past ten: a one-hour window started at ten and ends at eleven.
HALF_PAST = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test.things": (3, 60 * 60)}


def test_hits_within_the_limit_are_allowed_and_the_next_is_refused_until_the_window_ends():
    with time_machine.travel(HALF_PAST, tick=False) as traveller:
        verdicts = [throttle.hit("test.things", "ann@example.com") for _ in range(4)]
        assert [v.allowed for v in verdicts] == [True, True, True, False]
        assert verdicts[-1].retry_after == 30 * 60
        assert verdicts[-1].minutes == 30
        assert not throttle.check("test.things", "ann@example.com").allowed

        traveller.shift(timedelta(minutes=29, seconds=59))
        assert throttle.check("test.things", "ann@example.com").retry_after == 1
        assert throttle.check("test.things", "ann@example.com").minutes == 1

        traveller.shift(timedelta(seconds=1))
        assert throttle.check("test.things", "ann@example.com").allowed
        assert throttle.hit("test.things", "ann@example.com").allowed


def test_check_does_not_count():
    for _ in range(10):
        assert throttle.check("test.things", "ann@example.com").allowed

    assert throttle.hit("test.things", "ann@example.com").allowed


def test_each_key_and_each_limit_counts_on_its_own(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test.others": (1, 60)}
    for _ in range(3):
        throttle.hit("test.things", "ann@example.com")

    assert not throttle.check("test.things", "ann@example.com").allowed
    assert throttle.check("test.things", "bob@example.com").allowed
    assert throttle.hit("test.others", "ann@example.com").allowed


def stored_keys():
    store = cache._cache  # local memory: a dict; Redis: a client
    if isinstance(store, dict):
        return [str(key) for key in store]
    return [key.decode() for key in store.get_client().keys("*")]


def test_the_cache_holds_no_key_in_clear():
    throttle.hit("test.things", "ann@example.com")

    keys = stored_keys()
    assert [key for key in keys if "test.things" in key]
    assert not [key for key in keys if "ann" in key]


def test_a_limit_must_be_configured():
    with pytest.raises(KeyError, match=r"RATE_LIMITS has no entry 'test\.missing'"):
        throttle.hit("test.missing", "x")


def test_a_cache_that_does_not_answer_lets_requests_through_and_says_so(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: every call fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with caplog.at_level(logging.ERROR, logger="core.throttle"):
        verdict = throttle.hit("test.things", "ann@example.com")

    assert verdict.allowed
    assert "Rate limit test.things not applied" in caplog.text
