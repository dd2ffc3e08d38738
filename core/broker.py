"""Ringing the broker: the database holds the work, the broker only says there is some.

Every service that queues work stores it as rows first and calls ``ring`` after
commit. When the broker does not answer, the rows wait for the beat job that
reclaims them; any other error (a renamed task, a wrong argument) is a bug and is
raised.
"""

import logging
from typing import Any

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises from ``delay``: kombu wraps
# connection failures in OperationalError; the filesystem transport raises OSError
# when its folder is missing or not writable.
BROKER_ERRORS = (OperationalError, OSError)


def ring(task: Any, *args: Any) -> bool:
    """Enqueue ``task(*args)``; return False, with a warning, if the broker is down."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.warning("Broker unavailable (%s); %s waits for its beat job", exc, task.name)
        return False
    return True
