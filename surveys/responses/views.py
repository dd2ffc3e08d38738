"""Pages of the responses register: the list, and one response read-only (answers
are written by customers through their links only)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from core.access import permission_required
from core.pages import filtered_list
from surveys.responses import selectors
from surveys.responses.filters import ResponseFilter
from surveys.responses.models import Response

RESPONSES = (gettext_lazy("Survey responses"), "surveys:response_list")


@permission_required("surveys.view_response")
def response_list(request: HttpRequest) -> HttpResponse:
    """List responses with filters (constant queries)."""
    return filtered_list(
        request,
        ResponseFilter,
        selectors.response_list(),
        "surveys/responses/response_list.html",
    )


@permission_required("surveys.view_response")
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a response: each question of its version in order, with the answer given,
    or why there is none (not shown on its condition, or not answered)."""
    try:
        response, rows = selectors.response_detail(pk)
    except Response.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request, "surveys/responses/response_detail.html", {"response": response, "rows": rows}
    )
