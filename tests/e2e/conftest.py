"""The browser harness: Playwright drives Debian's Chromium against the live server.

Every page a test visits through ``visit`` is screenshotted, checked with axe-core
(injected with ``page.evaluate``, since the Content Security Policy blocks script
tags) for WCAG 2.2 A and AA violations, and checked for console errors, CSP
violations included.
"""

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from core.roles import Role
from tests.conftest import CHROMIUM
from tests.factories import TEST_PASSWORD, UserFactory

AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
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
    yield page
    context.close()


def check_accessibility(page: Any) -> list[str]:
    """Return the WCAG 2.2 A/AA violations axe-core finds on the page."""
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(json.dumps(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.fixture
def visit(page: Any, request: pytest.FixtureRequest) -> Callable[..., Any]:
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
