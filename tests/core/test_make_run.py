"""`make run` gives the web server, the worker and beat the address it serves on, so
the links in the emails they send point at the port the person opened."""

import os
import shutil
import subprocess  # nosec B404 - runs the project's own Makefile
from pathlib import Path

from django.conf import settings

MAKE = shutil.which("make") or "/usr/bin/make"


def _make_run(tmp_path: Path, *args: str, site_url: str | None = None) -> str:
    # A stand-in for the venv's Python: print what it was given and stop make there.
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\nexit 3\n')
    fake.chmod(0o755)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [MAKE, "-s", "run", f"PY={fake}", "RUNTIME_STAMP=Makefile", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"}
        | ({"SITE_URL": site_url} if site_url else {}),
        check=False,
    )
    return result.stdout


def test_make_run_on_another_port_links_emails_to_that_port(tmp_path):
    output = _make_run(tmp_path, "PORT=8111")

    assert "SITE_URL=http://127.0.0.1:8111" in output


def test_a_site_url_set_in_the_environment_wins(tmp_path):
    output = _make_run(tmp_path, "PORT=8111", site_url="https://qms.example.org")

    assert "SITE_URL=https://qms.example.org" in output
