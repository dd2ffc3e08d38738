"""Ringing the broker: the database holds the work, the broker only says there is some.

Every service that queues work stores it as rows first and calls ``ring`` after
commit, naming the task: services never import task modules, so the tasks (which
import the services they call) and the services import one way. A task name that
is not registered raises ``NotRegistered`` at once, in tests too. When the broker
does not answer, the rows wait for the beat job that reclaims them; any other error
is a bug and is raised.
"""

import logging
from typing import Any

from celery import current_app
from kombu.exceptions import OperationalError

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
