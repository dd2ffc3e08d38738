"""The designer's preview: a version's answer page as its customers will see it.

It renders the customer's own form and question template (``surveys/public/``), in
the customer's layout and language, every page one after the other and read-only,
each conditional question shown with its condition. The designer's preview page
frames it at desktop and phone width, so this view alone may be framed, and by the
same origin only.
"""

from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from core.access import permission_required
from surveys.design.models import LANGUAGE_CODES, QuestionnaireVersion
from surveys.design.selectors import condition_text
from surveys.public.views import items_of
from surveys.responses.forms import AnswerForm
from surveys.responses.paging import Paging


@permission_required("surveys.view_questionnaireversion")
@require_safe
@xframe_options_sameorigin
# django-csp types a view as taking the request alone: this one takes its arguments too.
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]
def version_preview_frame(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """Show every page of the version's answer form in ``language``, read-only."""
    if language not in LANGUAGE_CODES:
        raise Http404
    version = get_object_or_404(
        QuestionnaireVersion.objects.select_related("questionnaire").prefetch_related("questions"),
        pk=pk,
    )
    paging = Paging.of(version)
    numbers = {q.pk: n for n, q in enumerate(paging.questions(), start=1)}
    # A condition is for the staff member, not the customer: it is said in the staff
    # member's language (and marked so), computed before the page turns to the customer's.
    conditions = {q.pk: condition_text(q, numbers) for q in paging.questions()}
    staff_language = translation.get_language()
    with translation.override(language):
        context = _context(version, language, paging, conditions)
        return render(
            request, "surveys/public/preview.html", {**context, "staff_language": staff_language}
        )


def _context(
    version: QuestionnaireVersion, language: str, paging: Paging, conditions: dict[int, str]
) -> dict[str, Any]:
    pages = []
    for number, questions in enumerate(paging.pages, start=1):
        form = AnswerForm(
            questions=questions, language=language, pages=paging.count, initial={"page": number}
        )
        items = items_of(form, language)
        for item in items:
            item["condition"] = conditions.get(item["question"].pk, "")
        pages.append({"number": number, "items": items, "last": number == paging.count})
    return {
        "version": version,
        "title": version.title_in(language),
        "intro": version.text(language, "intro"),
        "thanks": version.text(language, "thanks"),
        "pages": pages,
        "count": paging.count,
        "organisation_name": settings.ORGANISATION_NAME,
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": reverse("surveys:version_preview_frame", args=[version.pk, code]),
                "current": code == language,
            }
            for code, name in settings.LANGUAGES
        ],
    }
