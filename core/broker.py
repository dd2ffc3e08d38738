"""Ringing the broker: the database holds the work, the broker only says there is some.

Every service that queues work stores it as rows first and calls ``ring`` after
commit, naming the task: services never import task modules, so the tasks (which
import the services they call) and the services import one way. A task name that
is not registered raises ``NotRegistered`` at once, in tests too. When the broker
does not answer, the rows wait for the beat job that reclaims them; any other error
is a bug and is raised.
"""

import logging
from time import monotonic
from typing import Any

from celery import current_app
from celery.worker import state as worker_state
from kombu.exceptions import OperationalError
from kombu.transport import filesystem

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises from ``delay``: kombu wraps
# connection failures in OperationalError; the filesystem transport raises OSError
# when its folder is missing or not writable.
BROKER_ERRORS = (OperationalError, OSError)


def ring(task_name: str, *args: Any) -> bool:
    """Enqueue the named task; return False, with a warning, if the broker is down."""
    tasks = current_app.tasks
    if task_name not in tasks:
        # A web process has not imported the task modules yet: autodiscover them once.
        current_app.loader.import_default_modules()
    task = tasks[task_name]
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.warning("Broker unavailable (%s); %s waits for its beat job", exc, task_name)
        return False
    return True


class FilesystemTransport(filesystem.Transport):
    """kombu's filesystem transport, for the embedded default, that lets a worker stop
    at once.

    A worker on a transport that polls (this one) notices that it was asked to stop
    only between two waits for messages, of two seconds each, and waits one more
    before it stops: up to five seconds after Ctrl-C, as long as honcho waits before
    it kills. This one stops waiting as soon as the worker is asked to stop. It also
    has no host, so kombu does not warn that none was supplied.
    """

    @property
    def default_connection_params(self) -> dict[str, Any]:
        return {}

    # As kombu's virtual transport does, which the stubs mark the same way.
    def drain_events(self, connection: Any, timeout: float | None = None) -> None:  # type: ignore[override]
        started = monotonic()
        step = self.polling_interval or 1.0
        while True:
            if worker_state.should_stop is not None or worker_state.should_terminate is not None:
                raise TimeoutError
            try:
                super().drain_events(connection, timeout=step)
            except TimeoutError:
                if timeout is not None and monotonic() - started >= timeout:
                    raise
            else:
                return
