"""The browser harness: Playwright drives Debian's Chromium against the live server.

Every page a test visits through ``visit`` is screenshotted, checked with axe-core
(injected with ``page.evaluate``, since the Content Security Policy blocks script
tags) for WCAG 2.2 A and AA violations, checked for console errors, CSP
violations included, and its HTML, as the server sent it, is checked with the W3C Nu
HTML checker (vnu.jar from npm). The checker runs as an HTTP service on 127.0.0.1,
one Java process per test session (per xdist worker), started by the first test
that visits a page.
"""

import contextlib
import http.client
import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from core.roles import Role
from tests.conftest import AXE_PATH, CHROMIUM, VNU_JAR_PATH
from tests.factories import TEST_PASSWORD, UserFactory

AXE_SOURCE = Path(settings.BASE_DIR) / AXE_PATH
VNU_JAR = Path(settings.BASE_DIR) / VNU_JAR_PATH
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Best-practice rules run as well as the WCAG ones: two landmarks of one name (a
# section and the scrolling table inside it) leave a screen reader's landmark list
# with entries no one can tell apart.
EXTRA_RULES = {"landmark-unique": {"enabled": True}}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
# Collects CSP violations from the first moment of every page.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class HtmlChecker:
    """The Nu HTML checker as a local HTTP service: one JVM, many documents."""

    def __init__(self, jar: Path) -> None:
        self.port = _free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        # Starts now and warms up while the browser and the live server start; the
        # first check waits for it.
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command
            [
                str(shutil.which("java")),
                # A short-lived service: the quick compiler alone and one garbage
                # collector thread halve the CPU it takes from the browsers beside it.
                # Its schema loader recurses deeply; the default stack is not enough
                # for the quick compiler's frames.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xss4m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.ready = False

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    self.ready = True
                    return
            except OSError:
                time.sleep(0.1)
        self.log.seek(0)
        # Its log without the Java stack frames, which say little to a reader here.
        lines = self.log.read().decode(errors="replace").splitlines()
        said = "\n".join(line for line in lines if not line.startswith("\tat "))[-3000:]
        pytest.fail(f"the Nu HTML checker did not start on port {self.port}:\n{said}")

    def check(self, html: bytes) -> list[dict[str, Any]]:
        """Return the checker's errors in the HTML document (warnings are left out)."""
        if not self.ready:
            self._wait_until_ready()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                "POST",
                "/?out=json",
                html,
                # The checker refuses a request without a User-Agent.
                {"Content-Type": "text/html; charset=utf-8", "User-Agent": "qms-browser-tests"},
            )
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        if answer.status != 200:
            pytest.fail(f"the Nu HTML checker answered {answer.status}: {body[:500]!r}")
        messages = json.loads(body)["messages"]
        # "non-document-error": the checker could not check; that fails too.
        return [m for m in messages if m["type"] in ("error", "non-document-error")]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def describe_html_errors(errors: list[dict[str, Any]]) -> str:
    """Return the checker's errors as lines a person can read: where, what, the extract."""
    lines = []
    for error in errors:
        lines.append(f"  line {error.get('lastLine', '?')}: {error['message']}")
        if extract := error.get("extract", "").strip():
            lines.append(f"      {extract!r}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def html_checker() -> Iterator[HtmlChecker]:
    """Run the Nu HTML checker for this session (this xdist worker), from the first use."""
    checker = HtmlChecker(VNU_JAR)
    yield checker
    checker.stop()


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; the ORM calls a test
    # makes between browser steps are plain synchronous calls all the same. Set for
    # browser tests only, so no other test (or its subprocesses) inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(allow_orm_beside_playwright: None) -> Iterator[Any]:
    # Per test, not per session: while Playwright runs, this thread has an event loop,
    # and the tests that follow on this worker must not inherit it.
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only when marked

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and page.console_errors.append((message.text, message.location.get("url", "")))
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append((str(error), "")))
    # The response that brought the document on show: its HTML is what the server
    # sent, before any script changed the DOM.
    page.document_response = None

    def note_document(response: Any) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            page.document_response = response

    page.on("response", note_document)
    yield page
    context.close()


def check_accessibility(page: Any) -> list[str]:
    """Return the WCAG 2.2 A/AA violations axe-core finds on the page."""
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        "([tags, rules]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, rules})",
        [WCAG_TAGS, EXTRA_RULES],
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(json.dumps(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def document_html(page: Any) -> bytes:
    """Return the HTML the server sent for the page on show (the DOM if it is gone)."""
    if page.document_response is not None:
        with contextlib.suppress(Exception):  # Playwright may no longer hold the body
            return page.document_response.body()
    return page.content().encode()


@pytest.fixture
def visit(
    page: Any, html_checker: HtmlChecker, request: pytest.FixtureRequest
) -> Callable[..., Any]:
    """Open a path (or check the current page), screenshot it, fail on any problem."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)
    shots = {"count": 0}

    def visit_page(path: str | None = None, *, name: str = "", status: int = 200) -> Any:
        if path is not None:
            page.console_errors.clear()
            response = page.goto(path)
            assert response is not None
            assert response.status == status, f"{path} answered {response.status}"
            if status >= 400:
                # The browser reports the page's own error status; that one is expected.
                expected = f"the server responded with a status of {status}"
                page.console_errors[:] = [
                    (text, url)
                    for text, url in page.console_errors
                    if not (expected in text and url == response.url)
                ]
        page.wait_for_load_state("load")
        # An htmx request under way (a list's filters) dims the region it will fill.
        for _ in range(100):
            if not page.evaluate("() => document.querySelector('.htmx-request') !== null"):
                break
            page.wait_for_timeout(50)
        # A tab shown by a click is active a frame before its fade starts: wait for
        # the fade to start, so that the wait below sees it running.
        for _ in range(40):
            if page.evaluate(
                "() => [...document.querySelectorAll('.tab-pane.fade.active')]"
                ".every((pane) => pane.classList.contains('show'))"
            ):
                break
            page.wait_for_timeout(50)
        # Colours are checked as they end up, not halfway through a fade.
        # (wait_for_function would evaluate a string, which the CSP forbids.)
        for _ in range(40):
            if page.evaluate(
                "() => document.getAnimations().every((a) => a.playState !== 'running')"
            ):
                break
            page.wait_for_timeout(50)
        shots["count"] += 1
        label = name or f"{shots['count']:02d}"
        page.screenshot(path=SCREENSHOTS / f"{test_name}-{label}.png", full_page=True)
        problems = check_accessibility(page)
        assert not problems, f"axe found on {page.url}: {problems}"
        errors = html_checker.check(document_html(page))
        assert not errors, (
            f"the Nu HTML checker found on {page.url}:\n{describe_html_errors(errors)}"
        )
        assert page.evaluate("document.documentElement.lang"), "the page has no lang"
        assert page.title().strip(), "the page has no title"
        violations = page.evaluate("window.__cspViolations || []")
        assert not violations, f"CSP violations on {page.url}: {violations}"
        assert not page.console_errors, f"console errors on {page.url}: {page.console_errors}"
        return page

    return visit_page


@pytest.fixture
def login_as(page: Any, visit: Callable[..., Any]) -> Callable[[Role], Any]:
    """Log in through the login form as a new user holding the role."""

    def log_in(role: Role) -> Any:
        user = UserFactory(role=role)
        visit("/accounts/login/", name="login")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        return user

    return log_in


def choose(page: Any, label: str, text: str, option: str) -> None:
    """Choose a record in a chooser as a keyboard user does: type, wait for the
    suggestions, arrow down to the one named, press Enter."""
    field = page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
    field.fill("")
    field.press_sequentially(text, delay=20)
    listbox = page.locator(f"#{field.get_attribute('aria-controls')}")
    listbox.get_by_role("option", name=re.compile(re.escape(option))).wait_for()
    for _ in range(listbox.get_by_role("option").count()):
        field.press("ArrowDown")
        active = page.locator(f"#{field.get_attribute('aria-activedescendant')}")
        if option in active.inner_text():
            field.press("Enter")
            return
    raise AssertionError(f"{option!r} was not among the suggestions for {text!r}")
