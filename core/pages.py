"""Page plumbing every register uses: the filtered list, the form page, the void page.

Views stay thin: they validate a form, call a service and show what it refused.
These helpers hold what every such view repeats, with the generic templates in
``templates/core/`` (``list.html``, ``form.html``, ``void.html``).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from core.exports import csv_lines
from core.forms import VoidForm
from core.models import User
from core.records import RecordLockedError, ensure_editable
from core.services import record_void

PAGE_SIZE = 25

# A breadcrumb: a label and a URL name or path.
Crumb = tuple[Any, str]


def acting_user(request: HttpRequest) -> User:
    """Return the signed-in user (every product page needs a login)."""
    return request.user  # type: ignore[return-value]


class ListPaginator(Paginator):
    """A paginator that reads a page in two steps, in one query: the ids of the page's
    rows, in the list's order, then those rows whole (``pk IN (ids ... LIMIT 25
    OFFSET n)``).

    Asked for page 1,000 of a list whose rows join a customer and a user and carry
    counts, the database would otherwise build every row up to the page (joins, the
    count subqueries, wide rows to sort, spilled to disk) and throw all but 25 away.
    The ids are read from the list's own tables and the columns it sorts by only.
    """

    def page(self, number: Any) -> Page:
        page = super().page(number)
        rows, whole = page.object_list, self.object_list
        if (
            isinstance(rows, QuerySet)
            and isinstance(whole, QuerySet)
            and rows.query.is_sliced
            and not whole.query.combinator
        ):
            ids = whole.values("pk")[rows.query.low_mark : rows.query.high_mark]
            page.object_list = whole.filter(pk__in=ids)
        return page


def paginate(
    request: HttpRequest, queryset: Any, *, count: int | None = None, asked: bool = True
) -> Page:
    """Return the page the request asks for (``?page=``), the last one if past it.

    ``count``, when the caller has read it already (an annotation of the record whose
    rows these are), saves the paginator's count query. ``asked=False`` gives the
    first page: the ``?page=`` is another list's (another tab of a record's page).
    """
    paginator = ListPaginator(queryset, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not counted again
    return paginator.get_page(request.GET.get("page") if asked else None)


# The list region that core/list.html's filters refresh through htmx.
LIST_RESULTS_ID = "list-results"


def wants_list_results(request: HttpRequest) -> bool:
    """Return whether the request is htmx asking for a list's results region alone.

    htmx restoring a page from history asks for the whole page, and gets it.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return htmx.target == LIST_RESULTS_ID and not htmx.history_restore_request


def filtered_list(
    request: HttpRequest,
    filter_class: Any,
    queryset: QuerySet,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a list page: django-filter's form, one page of rows, the query to keep.

    An htmx request from the filters gets the table and its pages alone (the
    ``results`` block of ``core/list.html``), with the same queries as the whole page.
    """
    filters = filter_class(request.GET, queryset=queryset, request=request)
    # The query the page links keep: the filters that are set, without the page number.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key != "page" and (kept := [value for value in values if value.strip()]):
            query.setlist(key, kept)
    response = render(
        request,
        template,
        {
            "filter": filters,
            "page": paginate(request, filters.qs),
            "query": query.urlencode(),
            "filters_in_use": len([name for name in filters.form.fields if name in query]),
            "list_layout": "core/partials/list_results.html"
            if wants_list_results(request)
            else "base.html",
            **(context or {}),
        },
    )
    # Caches keep the whole page and the region apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def csv_download(
    name: str, header: list[str], rows: Iterable[list[Any]], *, dated: bool = True
) -> StreamingHttpResponse:
    """Stream the rows as ``<name>-<today>.csv`` (``<name>.csv`` when not ``dated``),
    every cell safe for a spreadsheet."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    stamp = f"-{timezone.localdate().isoformat()}" if dated else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{stamp}.csv"'
    return response


def filtered_download(
    request: HttpRequest,
    filter_class: Any,
    queryset: QuerySet,
    *,
    name: str,
    header: list[str],
    rows: Callable[[QuerySet], Iterable[list[Any]]],
    back: str,
) -> HttpResponseBase:
    """Download, as CSV, the rows a list page's filters select (every page of them).

    Filters the list would refuse send the reader back to the list (``back``, a URL
    name) with the same query, where the form says what is wrong: a file never holds
    rows other than the ones the list shows for that query.
    """
    filters = filter_class(request.GET, queryset=queryset, request=request)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("Correct the filters before downloading the list."))
        return redirect(f"{reverse(back)}?{request.GET.urlencode()}")
    return csv_download(name, header, rows(filters.qs))


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    crumbs: Sequence[Crumb],
    submit: str,
    template: str = "core/form.html",
) -> HttpResponse:
    """Render a form with its title, breadcrumbs and submit label."""
    return render(
        request, template, {"form": form, "title": title, "crumbs": crumbs, "submit": submit}
    )


def show_refusal(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def message_refusal(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's refusal as a message, for a button with no form to put it on."""
    messages.error(request, " ".join(exc.messages))


def refuse_if_locked(request: HttpRequest, record: Any) -> HttpResponse | None:
    """Return a redirect with the guard's message if the record refuses edits."""
    try:
        ensure_editable(record)
    except RecordLockedError as exc:
        message_refusal(request, exc)
        return redirect(record)
    return None


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: Callable[[Any], str] | None = None,
) -> Any:
    """On a valid POST, return ``save(cleaned_data)``; otherwise, or if the service
    refuses, return None with the refusal shown on the form.

    ``success(saved)`` is added as a message when the save goes through.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as exc:
        show_refusal(form, exc)
        return None
    if success is not None:
        messages.success(request, success(saved))
    return saved


def act(request: HttpRequest, action: Callable[[], Any], *, success: Callable[[Any], str]) -> Any:
    """Run a button's service call; show its refusal or ``success(result)`` as a message.

    Return what the service returned, or None when it refused.
    """
    try:
        done = action()
    except ValidationError as exc:
        message_refusal(request, exc)
        return None
    messages.success(request, success(done))
    return done


def void_page(
    request: HttpRequest, record: Any, *, back: str, crumbs: Sequence[Crumb], warning: str = ""
) -> HttpResponse:
    """Ask why, then void the record through ``record_void`` and go back.

    ``warning`` says what else voiding it does, shown before the person confirms.
    """
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_void(record=record, by=acting_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, _("“%(name)s” is voided.") % {"name": record})
            return redirect(back)
    return render(
        request,
        "core/void.html",
        {"form": form, "record": record, "crumbs": crumbs, "back": back, "warning": warning},
    )


def bulk_selection(
    request: HttpRequest,
    data: dict[str, Any],
    *,
    filter_class: Any,
    listed: QuerySet,
) -> QuerySet:
    """Return the records a bulk form selects: the rows ticked (``ids``), or all that
    match the list's filters (``all_matching``, with the list's ``query``).

    ``listed`` is what the list shows before its filters. A filter that is no longer
    valid (a segment voided since) is refused rather than ignored, which would
    select more than the person saw.
    """
    if not data.get("all_matching"):
        return listed.model._default_manager.filter(pk__in=data.get("ids") or [])
    query = QueryDict(data.get("query") or "", mutable=True)
    for name in ("page", "ordering"):
        query.pop(name, None)
    filters = filter_class(query, queryset=listed, request=request)
    if not filters.is_valid():
        raise ValidationError(
            _(
                "The list's filters are no longer valid (a choice in them may have been "
                "voided): filter the list again, then choose the change."
            )
        )
    return filters.qs


def bulk_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    select: Callable[[dict[str, Any]], QuerySet],
    check: Callable[[QuerySet], Any],
    apply: Callable[[QuerySet, bool], Any],
    title: str,
    back: str,
    crumbs: Sequence[Crumb],
) -> HttpResponse:
    """Say what a bulk change would do, then make it through the service.

    A list posts its bulk form here; the page says how many records the change
    alters, how many are already so, and which cannot take it and why, before
    anything is written. Its button posts the same form back with ``apply`` (``all``,
    or ``leave_out`` to leave out those that cannot) and the count it showed, which
    the service compares with what it finds. A refusal shows on the page; success
    goes back to the list, filtered as it was. ``form.describe()`` says the change
    in sentences.
    """
    query = request.POST.get("query", "")
    back_url = reverse(back) + (f"?{query}" if query else "")
    if request.method != "POST":
        return redirect(back)
    outcome = None
    if form.is_valid():
        try:
            records = select(form.cleaned_data)
            how = request.POST.get("apply")
            if how in ("all", "leave_out"):
                done = apply(records, how == "leave_out")
                said = [_("Changed: %(count)s.") % {"count": done.allowed}]
                if done.unchanged:
                    said.append(
                        _("Already so, left as they were: %(count)s.") % {"count": done.unchanged}
                    )
                if done.refused_count:
                    said.append(_("Left out, as asked: %(count)s.") % {"count": done.refused_count})
                messages.success(request, " ".join(said))
                return redirect(back_url)
            outcome = check(records)
        except ValidationError as exc:
            show_refusal(form, exc)
            outcome = getattr(exc, "outcome", None)
    return render(
        request,
        "core/bulk_confirm.html",
        {
            "form": form,
            "outcome": outcome,
            "said": form.describe() if outcome is not None else [],  # type: ignore[attr-defined]
            "title": title,
            "crumbs": crumbs,
            "back_url": back_url,
        },
    )
