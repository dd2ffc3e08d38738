"""`make run` stops cleanly: Ctrl-C, a TERM to its process group, or honcho killed
outright stops the web server, the worker and beat within seconds, with no forced
kill and nothing left running.

Each test starts what `make run` starts (honcho with the Procfile, on a free port, in
a temporary VAR_DIR and BROKER_DIR, on the embedded default) in a process group of
its own, as a terminal would, waits until the web server answers and the worker and
beat are up, then signals the group. Only the processes it started are ever killed,
by their ids, and only when the test has already failed.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from honcho.manager import KILL_WAIT

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from Linux's /proc"
)

BASE_DIR = Path(settings.BASE_DIR)
HONCHO = Path(sys.executable).parent / "honcho"
START_WITHIN = 120
# How long the test waits for a process to go. honcho kills (SIGKILL) what still runs
# KILL_WAIT (5) seconds after its TERM: a clean stop is quicker than that.
STOP_WITHIN = 10


def embedded_default(var_dir: Path, broker_dir: Path, port: int) -> dict[str, str]:
    """Return `make run`'s environment on the embedded default, whatever this run uses."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "DJANGO_"))
    }
    env.update(
        VAR_DIR=str(var_dir),
        BROKER_DIR=str(broker_dir),
        # Set, though empty: a .env file beside manage.py does not override them.
        DATABASE_URL="",
        CELERY_BROKER_URL="filesystem://",
        CACHE_URL="",
        SENTRY_DSN="",
        DEBUG="True",
        SITE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A VAR_DIR with a migrated database, shared by the module's runs."""
    var = tmp_path_factory.mktemp("var")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=embedded_default(var, var / "broker", free_port()),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return var


def process_table() -> dict[int, tuple[int, str, str]]:
    """Return each process's parent, state and start time, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # The command name is in parentheses and may hold spaces.
            fields = stat[stat.rindex(")") + 2 :].split()
            table[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def descendants(root: int) -> dict[int, str]:
    """Return the processes under ``root`` (and itself), each with its start time."""
    table = process_table()
    found = {root}
    grew = True
    while grew:
        more = {pid for pid, (parent, _, _) in table.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return {pid: table[pid][2] for pid in found if pid in table}


def running(processes: dict[int, str]) -> dict[int, str]:
    """Return those of the processes still running (not gone, not a zombie)."""
    table = process_table()
    return {
        pid: started
        for pid, started in processes.items()
        if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    }


class Run:
    """`make run`'s processes under honcho, with what they print."""

    def __init__(self, var_dir: Path, broker_dir: Path) -> None:
        self.port = free_port()
        self.lines: list[str] = []
        self.honcho = subprocess.Popen(  # noqa: S603 - our own honcho and Procfile
            [str(HONCHO), "start", "-f", "Procfile", "-p", str(self.port)],
            cwd=BASE_DIR,
            env=embedded_default(var_dir, broker_dir, self.port),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # A process group of its own, as a terminal gives `make run`.
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.honcho.stdout is not None
        for line in self.honcho.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def web_answers(self) -> bool:
        web = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            web.request("GET", "/healthz")
            web.getresponse()  # any answer will do
        except OSError:
            return False
        finally:
            web.close()
        return True

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_WITHIN
        while time.monotonic() < deadline:
            output = self.output
            if (
                " ready." in output
                and "beat: Starting" in output
                and "Starting development server" in output
                and self.web_answers()
            ):
                return
            assert self.honcho.poll() is None, f"honcho stopped:\n{output}"
            time.sleep(0.5)
        pytest.fail(f"make run did not come up in {START_WITHIN} s:\n{self.output}")


@pytest.fixture
def run(var_dir: Path, tmp_path: Path) -> Iterator[Run]:
    started = Run(var_dir, tmp_path / "broker")
    yield started
    # Only after a failure is anything left: end it, by id, and only what we started.
    for pid in running(descendants(started.honcho.pid)):
        os.kill(pid, signal.SIGKILL)
    started.honcho.wait(timeout=10)


def stop(run: Run, how: signal.Signals) -> tuple[dict[int, str], float]:
    """Signal the run's process group; return what is still running after the wait."""
    processes = descendants(run.honcho.pid)
    assert len(processes) >= 7, run.output  # honcho, its readers, web, worker, beat
    started = time.monotonic()
    os.killpg(run.honcho.pid, how)
    left = running(processes)
    while left and time.monotonic() - started < STOP_WITHIN:
        time.sleep(0.1)
        run.honcho.poll()  # reap honcho, our own child, when it exits
        left = running(processes)
    elapsed = time.monotonic() - started
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left, elapsed


@pytest.mark.parametrize(
    "how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term-to-the-process-group"]
)
def test_make_run_stops_every_process_within_seconds_without_a_forced_kill(run, how):
    run.wait_until_up()

    left, elapsed = stop(run, how)

    assert not left, f"still running after {STOP_WITHIN} s: {left}\n{run.output}"
    run.honcho.wait(timeout=5)
    assert "SIGKILL" not in run.output, run.output
    assert elapsed < KILL_WAIT, f"{elapsed:.1f} s to stop\n{run.output}"
    for name in ("web", "worker", "beat"):
        assert f"{name}.1 stopped" in run.output, run.output
    print(f"{how.name}: every process gone after {elapsed:.1f} s")  # noqa: T201


def test_nothing_outlives_honcho_killed_outright(run):
    run.wait_until_up()

    # The processes honcho started are in sessions of their own: no signal reaches
    # them, and they must notice that their parent has gone.
    left, elapsed = stop(run, signal.SIGKILL)

    assert not left, f"left behind after {STOP_WITHIN} s: {left}\n{run.output}"
    print(f"SIGKILL to honcho: every process gone after {elapsed:.1f} s")  # noqa: T201


def test_the_embedded_default_starts_without_warnings_about_root_or_the_broker_host(run):
    run.wait_until_up()

    output = run.output
    stop(run, signal.SIGTERM)

    assert "SecurityWarning" not in output
    assert "superuser privileges" not in output
    assert "No hostname was supplied" not in output
