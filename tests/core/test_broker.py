"""The embedded default's broker: kombu's filesystem transport, with a worker that
stops waiting for messages as soon as it is asked to stop, and no host to warn about."""

import logging
import time

import pytest
from celery.worker import state
from kombu import Connection, Consumer, Queue

from core.broker import FilesystemTransport


@pytest.fixture
def connection(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    with Connection(
        "filesystem://",
        transport=FilesystemTransport,
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "store_processed": False,
        },
    ) as connection:
        yield connection


@pytest.fixture
def consuming(connection):
    with Consumer(connection, [Queue("test-queue")], callbacks=[lambda body, message: None]):
        yield connection


def drain_time(connection, timeout):
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        connection.drain_events(timeout=timeout)
    return time.monotonic() - started


def test_an_empty_queue_is_waited_on_for_the_whole_timeout(consuming):
    assert 1.0 <= drain_time(consuming, 1.0) < 2.5


@pytest.mark.parametrize("flag", ["should_stop", "should_terminate"])
def test_a_worker_asked_to_stop_stops_waiting_at_once(consuming, monkeypatch, flag):
    monkeypatch.setattr(state, flag, 0)  # what the worker's TERM and QUIT handlers set

    assert drain_time(consuming, 30.0) < 0.5


def test_a_message_is_delivered_without_waiting_for_the_timeout(connection):
    received = []
    queue = Queue("delivered")
    with Consumer(connection, [queue], callbacks=[lambda body, _message: received.append(body)]):
        connection.Producer().publish("hello", routing_key="delivered", declare=[queue])
        started = time.monotonic()
        connection.drain_events(timeout=30)

    assert received == ["hello"]
    assert time.monotonic() - started < 5


def test_the_connection_has_no_host_to_warn_about(connection, caplog):
    with caplog.at_level(logging.WARNING, logger="kombu.connection"):
        connection.info()
        connection.as_uri()

    assert "No hostname was supplied" not in caplog.text
