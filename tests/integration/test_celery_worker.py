import os

import pytest
from django.conf import settings

from core import tasks
from core.models import Heartbeat

# A real worker needs committed rows: the test runs outside a wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_real_worker_runs_a_task_that_writes_a_row(celery_worker, wait_for):
    tasks.heartbeat.delay(name="integration-test")

    beat = wait_for(
        lambda: Heartbeat.objects.filter(name="integration-test").first(),
        what="the worker to write the heartbeat row",
    )
    assert beat.last_seen is not None


@pytest.mark.redis
def test_real_worker_on_redis_uses_this_test_workers_own_database(celery_worker, wait_for):
    # Under pytest-xdist each test worker has its own database; alone, the configured one.
    own_database = (
        f"/{2 + 2 * settings.TEST_WORKER_INDEX}"
        if settings.TEST_WORKER
        else f"/{os.environ['CELERY_BROKER_URL'].rsplit('/', 1)[-1] or '0'}"
    )
    with celery_worker.app.connection_for_write() as connection:
        assert connection.transport_cls == "redis"
        assert connection.as_uri().endswith(own_database)
    assert celery_worker.consumer.connection.as_uri().endswith(own_database)

    tasks.heartbeat.delay(name="on-redis")

    wait_for(lambda: Heartbeat.objects.filter(name="on-redis").exists(), what="the row")
