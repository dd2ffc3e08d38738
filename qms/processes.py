"""The processes `make run` starts stop when the process that started them has gone.

honcho starts each Procfile line in a session of its own, so a signal to the
terminal's process group (Ctrl-C) or to `make run`'s reaches honcho alone, which
then stops each line. Should honcho be killed outright, or its terminal closed, the
web server, the worker and beat would keep running with no parent. With
``EXIT_WITH_PARENT`` set (the Procfile sets it) each process asks Linux to send it
SIGTERM when its parent exits, and stops as it does on Ctrl-C. Celery's pool
processes already ask the same of the worker (with SIGKILL).
"""

import ctypes
import logging
import os
import signal
import sys

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def exit_with_parent() -> None:
    """Have this process sent SIGTERM when its parent exits (Linux; elsewhere, nothing)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        logger.warning(
            "prctl failed (errno %s): this process may outlive its parent.", ctypes.get_errno()
        )
        return
    if parent == 1 or os.getppid() != parent:
        # The parent went before the request took effect: nothing would tell us.
        os.kill(os.getpid(), signal.SIGTERM)
