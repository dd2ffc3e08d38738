"""The browser harness of tests/e2e, for this folder's browser test."""

from tests.e2e.conftest import (  # noqa: F401  # fixtures, found by name
    allow_orm_beside_playwright,
    browser,
    html_checker,
    login_as,
    page,
    visit,
)
