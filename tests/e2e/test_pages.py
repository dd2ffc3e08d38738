import pytest

from core.roles import Role
from tests.e2e.conftest import check_accessibility, describe_html_errors
from tests.factories import WidgetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.name.lower())
def test_each_role_logs_in_and_sees_its_home_page(page, visit, login_as, role):
    user = login_as(role)

    visit(name=f"home-{role.name.lower()}")

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Welcome, {user.get_short_name()}"
    assert page.get_by_text(str(role.label), exact=True).first.is_visible()
    assert page.get_by_role("heading", name="Your account").is_visible()


def test_public_pages_pass_the_checks(visit):
    visit("/accounts/login/", name="login")
    visit("/accounts/password/reset/", name="password-reset")


def test_error_and_record_pages_pass_the_checks(page, visit, login_as):
    login_as(Role.QUALITY_MANAGER)
    widget = WidgetFactory(name="Pump")
    widget.name = "Pump 2"
    widget.save()

    visit("/no-such-page/", name="404", status=404)
    visit(f"/testapp/widgets/{widget.pk}/", name="record-with-history")
    assert page.get_by_role("heading", name="History").is_visible()
    assert page.get_by_role("link", name="Inspect this widget").is_visible()
    visit("/accounts/password/change/", name="password-change")


def test_logging_out_is_a_button_that_posts(page, visit, login_as):
    login_as(Role.STAFF)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")

    visit(name="after-logout")


def test_the_harness_fails_on_an_accessibility_violation(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.querySelectorAll('label').forEach((label) => label.remove())")

    problems = check_accessibility(page)

    assert any(problem.startswith("label ") for problem in problems), problems


def test_the_harness_sees_a_csp_violation(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    for _ in range(40):
        if page.evaluate("() => window.__cspViolations.length > 0"):
            break
        page.wait_for_timeout(50)

    assert page.evaluate("window.ran === undefined")
    assert "script-src" in page.evaluate("window.__cspViolations[0]")


def test_the_harness_fails_on_invalid_html(html_checker):
    html = (
        b'<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body>'
        b'<time datetime="2025-03-01T09:05:07.123456+00:00">today</time>'
        b"<p><div>a block in a paragraph</div></p></body></html>"
    )

    errors = html_checker.check(html)

    report = describe_html_errors(errors)
    assert "datetime" in report
    assert "No “p” element in scope" in report
    assert all(error["type"] == "error" for error in errors), errors
