"""The code's layout rules that no linter checks: names that cannot be mistaken, and
task names that fail loudly."""

import ast
import logging
from pathlib import Path

import pytest
from celery.exceptions import NotRegistered
from django.conf import settings
from kombu.exceptions import OperationalError

from core import broker

APPS = ["core", "customers", "feedback", "surveys", "improvements", "qms"]
SERVICE_MODULES = {"services.py", "email.py", "jobs.py", "writer.py", "checks.py"}


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _modules(name: str | set[str]) -> list[Path]:
    names = {name} if isinstance(name, str) else name
    base = Path(settings.BASE_DIR)
    return [
        path
        for app in APPS
        for path in sorted((base / app).rglob("*.py"))
        if path.name in names and "migrations" not in path.parts
    ]


def test_no_view_shares_its_name_with_a_service():
    services = {name: path for path in _modules(SERVICE_MODULES) for name in _functions(path)}
    clashes = [
        f"{path.relative_to(settings.BASE_DIR)}: {name} (also in {services[name].name})"
        for path in _modules("views.py")
        for name in _functions(path)
        if name in services
    ]

    assert clashes == []


def test_a_task_name_that_is_not_registered_fails_loudly():
    with pytest.raises(NotRegistered):
        broker.ring("core.tasks.no_such_task", 1)


def test_a_broker_that_does_not_answer_leaves_the_work_for_beat(monkeypatch, caplog):
    task = broker.current_app.tasks["core.tasks.deliver_emails"]

    def down(*args):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(task, "delay", down)

    with caplog.at_level(logging.WARNING, logger="core.broker"):
        assert broker.ring("core.tasks.deliver_emails", [1]) is False
    assert "waits for its beat job" in caplog.text


def test_any_other_error_from_enqueueing_is_raised(monkeypatch):
    task = broker.current_app.tasks["core.tasks.deliver_emails"]

    def wrong(*args):
        raise TypeError("deliver_emails() takes 1 positional argument")

    monkeypatch.setattr(task, "delay", wrong)

    with pytest.raises(TypeError):
        broker.ring("core.tasks.deliver_emails", [1], "extra")
