"""The Celery application: configured from Django settings under CELERY_*."""

import os
import warnings
from typing import Any

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.signals import celeryd_init
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")

app = Celery("qms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def quiet_root_warning_on_the_embedded_default(**kwargs: Any) -> None:
    """Keep the worker's warning about running as root off the embedded default.

    `make run` on a laptop or in a root container is where the warning only adds
    noise; it matters where the app is deployed, and stays there (Redis).
    """
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        warnings.filterwarnings("ignore", category=SecurityWarning)
