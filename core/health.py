"""Checks behind /healthz: each answers within a deadline or counts as down."""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection

# Under the two seconds a load balancer gives /healthz, with room for the response.
CHECK_DEADLINE = 1.5


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The check runs in its own thread: close that thread's connection.
        connection.close()
    return "ok"


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        for folder in (settings.BROKER_QUEUE_DIR, settings.BROKER_CONTROL_DIR):
            if not Path(folder).is_dir():
                return f"folder missing: {folder}"
            if not os.access(folder, os.W_OK | os.X_OK):
                return f"folder not writable: {folder}"
        return "ok"
    with current_app.connection_for_write(url) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
        if url.startswith(("redis://", "rediss://")):
            channel: Any = conn.default_channel
            channel.client.ping()
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {"database": check_database, "broker": check_broker}


def run_checks(deadline: float = CHECK_DEADLINE) -> dict[str, str]:
    """Return each check's state: "ok", or why it is down."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")
    futures = {name: pool.submit(check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=deadline)
    # Do not wait for a hung check: its thread finishes (or times out) on its own.
    pool.shutdown(wait=False, cancel_futures=True)
    states = {}
    for name, future in futures.items():
        if not future.done():
            states[name] = f"no answer within {deadline:g} s"
        elif future.exception() is not None:
            exc = future.exception()
            states[name] = f"down: {type(exc).__name__}: {exc}"[:200]
        else:
            states[name] = future.result()
    return states
