"""The rules every page for people without an account gets: everything under /p/.

A public view is marked with ``public_page``: no login, the rate limit its posts count
against (``RATE_LIMITS``), and optionally how to find the language of the person the
page is for (a contact's, from the link they follow). ``PublicPagesMiddleware`` then
gives each page under the prefix:

- its language: an explicit ``?lang=`` first (the language switch, kept across a
  post by the form's action), then the person's language, then the browser's
  Accept-Language as ``LocaleMiddleware`` read it;
- a rate limit on posts per client address (``core.auth.client_key``, which honours
  ``TRUSTED_PROXY_COUNT`` as the login throttle does), refused with status 429 in the
  visitor's language before the view runs, so nothing is saved;
- headers: ``Cache-Control: no-store`` (pages carry people's words and tokens),
  ``Referrer-Policy: strict-origin`` (a token in the address never leaves it: any
  request from the page names the site alone, and nothing over plain HTTP),
  ``X-Robots-Tag: noindex``. Not ``no-referrer``: under it a browser sends
  ``Origin: null`` with the page's own form posts, and Django's CSRF check refuses
  them.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views import csrf

from core import throttle
from core.auth import client_key

PUBLIC_PREFIX = "/p/"
# The limit a post under /p/ counts against when its view names none.
DEFAULT_LIMIT = "public.posts"
LANGUAGE_PARAM = "lang"
REFERRER_POLICY = "strict-origin"

View = Callable[..., HttpResponse]
LanguageOf = Callable[..., "str | None"]


def public_page(*, limit: str, language: LanguageOf | None = None) -> Callable[[View], View]:
    """Open a view to people without an account, under the /p/ rules.

    ``limit`` names the ``RATE_LIMITS`` entry its posts count against; ``language``
    is called with the request and the view's arguments and returns the language of
    the person the page is for, or None.
    """
    if limit not in settings.RATE_LIMITS:
        raise KeyError(f"RATE_LIMITS has no entry {limit!r}")

    def decorate(view: View) -> View:
        view = login_not_required(view)
        view.public_limit = limit  # type: ignore[attr-defined]
        view.public_language = language  # type: ignore[attr-defined]
        return view

    return decorate


def is_public(request: HttpRequest) -> bool:
    return request.path_info.startswith(PUBLIC_PREFIX)


def explicit_language(request: HttpRequest) -> str | None:
    """Return the language the visitor chose (``?lang=``), or None."""
    code = request.GET.get(LANGUAGE_PARAM, "")
    return code if code in dict(settings.LANGUAGES) else None


def url_with_language(request: HttpRequest, code: str) -> str:
    """Return this page's address in the language ``code``, its other query kept."""
    query = request.GET.copy()
    query[LANGUAGE_PARAM] = code
    return f"{request.path}?{query.urlencode()}"


def language_links(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the language switch: each language's own name, its link, whether current."""
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": url_with_language(request, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


def render_public(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a page of the public layout (``templates/public/base.html``)."""
    # Links to other public pages, and the form's action (this page), keep the
    # language, across a post too.
    lang_query = urlencode({LANGUAGE_PARAM: translation.get_language()})
    return render(
        request,
        template,
        {
            "organisation_name": settings.ORGANISATION_NAME,
            "language_links": language_links(request),
            "lang_query": lang_query,
            "action_url": f"{request.path}?{lang_query}",
            **(context or {}),
        },
        status=status,
    )


def refused(request: HttpRequest, verdict: throttle.Verdict) -> HttpResponse:
    """Return the 429 page: too many posts from this address, and when to try again."""
    message = ngettext(
        "You can send more in %(minutes)d minute.",
        "You can send more in %(minutes)d minutes.",
        verdict.minutes,
    ) % {"minutes": verdict.minutes}
    response = render_public(request, "public/refused.html", {"wait": message}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse a post whose CSRF check failed (``CSRF_FAILURE_VIEW``): under /p/ in the
    public layout and the visitor's language, with a link back to the form (opening
    it again sets the cookie the check needs); elsewhere the staff page."""
    if not is_public(request):
        return csrf.csrf_failure(request, reason)
    return render_public(request, "public/csrf_failure.html", status=403)


class PublicPagesMiddleware:
    """Apply the /p/ rules (see the module's docstring). Place it after
    ``LocaleMiddleware`` and before ``CsrfViewMiddleware``, so that a flood of posts
    without a token is counted too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_public(request):
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = REFERRER_POLICY
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def process_view(
        self, request: HttpRequest, view: View, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if not is_public(request):
            return None
        language = explicit_language(request)
        person_language = getattr(view, "public_language", None)
        if language is None and person_language is not None:
            language = person_language(request, *args, **kwargs)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            limit = getattr(view, "public_limit", DEFAULT_LIMIT)
            verdict = throttle.hit(limit, client_key(request))
            if not verdict.allowed:
                return refused(request, verdict)
        return None
