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
# Every other module holds services or what services use (imports, email, records).
NOT_SERVICES = {
    "views.py",
    "urls.py",
    "admin.py",
    "apps.py",
    "selectors.py",
    "filters.py",
    "forms.py",
    "models.py",
    "demo.py",
}


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _modules(name: str) -> list[Path]:
    base = Path(settings.BASE_DIR)
    return [
        path
        for app in APPS
        for path in sorted((base / app).rglob("*.py"))
        if path.name == name and "migrations" not in path.parts
    ]


def test_no_view_shares_its_name_with_a_service():
    base = Path(settings.BASE_DIR)
    others = [
        path
        for app in APPS
        for path in sorted((base / app).rglob("*.py"))
        if path.name not in NOT_SERVICES and "migrations" not in path.parts
    ]
    services = {name: path for path in others for name in _functions(path)}
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
    task = broker.current_app.tasks["core.tasks.send_email_batch"]

    def down(*args):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(task, "delay", down)

    with caplog.at_level(logging.WARNING, logger="core.broker"):
        assert broker.ring("core.tasks.send_email_batch", [1]) is False
    assert "waits for its beat job" in caplog.text


def test_any_other_error_from_enqueueing_is_raised(monkeypatch):
    task = broker.current_app.tasks["core.tasks.send_email_batch"]

    def wrong(*args):
        raise TypeError("send_email_batch() takes 1 positional argument")

    monkeypatch.setattr(task, "delay", wrong)

    with pytest.raises(TypeError):
        broker.ring("core.tasks.send_email_batch", [1], "extra")


def _rung_task_names() -> set[str]:
    """Return every task name a service passes to ``ring``, read from the source."""
    names: set[str] = set()
    for path in [p for app in APPS for p in (Path(settings.BASE_DIR) / app).rglob("*.py")]:
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ring":
                for arg in ast.walk(node.args[0]):  # a name, or a choice of names
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        names.add(arg.value)
                    elif isinstance(arg, ast.Name) and arg.id in constants:
                        names.add(constants[arg.id])
    return names


def test_every_task_rung_or_scheduled_is_registered():
    app = broker.current_app
    app.loader.import_default_modules()
    rung = _rung_task_names()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "core.tasks.send_email_batch",
        "customers.tasks.check_import",
        "customers.tasks.run_import",
    } <= rung
    assert sorted((rung | scheduled) - set(app.tasks)) == []
