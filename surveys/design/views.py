"""Pages of the design register (9.1.2): the questionnaires, a questionnaire with its
versions, a version read-only, the designer of a draft, approval, the preview in each
language at desktop and phone width, and two versions side by side.

Views validate a form and call a service; what the service refuses is shown as it
says it. Only a draft has a designer: an approved version is read and compared.
"""

from typing import Any

import django_filters
from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.access import permission_required
from core.filters import ANY, VoidedHidden
from core.pages import (
    act,
    acting_user,
    filtered_list,
    form_page,
    refuse_if_locked,
    submit,
    void_page,
)
from core.versions import pick_versions
from surveys.design import selectors, services
from surveys.design.forms import QuestionForm, QuestionnaireForm, VersionTextsForm
from surveys.design.models import (
    LANGUAGE_CODES,
    Language,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)

QUESTIONNAIRES = (gettext_lazy("Surveys"), "surveys:questionnaire_list")
WIDTHS = ("desktop", "phone")
KEYS = ("title", "intro", "thanks")


class QuestionnaireFilter(VoidedHidden):
    q = django_filters.CharFilter(label=gettext_lazy("Name"), method="search")
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=Questionnaire.Kind.choices, empty_label=ANY
    )

    class Meta:
        model = Questionnaire
        fields = ["q", "kind"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


# Questionnaires ---------------------------------------------------------------------------


@permission_required("surveys.view_questionnaire")
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    """List the questionnaires with the version in use (constant queries)."""
    return filtered_list(
        request,
        QuestionnaireFilter,
        selectors.questionnaire_rows(),
        "surveys/design/questionnaire_list.html",
    )


@permission_required("surveys.add_questionnaire")
def questionnaire_create_page(request: HttpRequest) -> HttpResponse:
    """Create a questionnaire and open its first draft in the designer."""
    form = QuestionnaireForm(request.POST or None)
    saved = submit(
        request,
        form,
        lambda data: services.questionnaire_create(by=acting_user(request), **data),
        success=lambda q: _("“%(name)s” is created: add its questions to the draft.") % {"name": q},
    )
    if saved is not None:
        return redirect("surveys:version_design", saved.versions.get().pk)
    return form_page(
        request, form, title=_("New questionnaire"), crumbs=[QUESTIONNAIRES], submit=_("Create")
    )


@permission_required("surveys.view_questionnaire")
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a questionnaire and its versions: status, who approved each and when, since
    when it is in use, and how many invitations and responses it has."""
    questionnaire = get_object_or_404(Questionnaire.objects.select_related("created_by"), pk=pk)
    versions = selectors.questionnaire_versions(questionnaire)
    return render(
        request,
        "surveys/design/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "versions": versions,
            "draft": next((v for v in versions if v.is_draft), None),
            "crumbs": [QUESTIONNAIRES],
        },
    )


@permission_required("surveys.change_questionnaire")
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    refused = refuse_if_locked(request, questionnaire)
    if refused:
        return refused
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    saved = submit(
        request,
        form,
        lambda data: services.questionnaire_update(
            questionnaire=questionnaire, by=acting_user(request), **data
        ),
        success=lambda q: _("“%(name)s” is saved.") % {"name": q},
    )
    if saved is not None:
        return redirect(saved)
    return form_page(
        request,
        form,
        title=_("Change “%(name)s”") % {"name": questionnaire},
        crumbs=[QUESTIONNAIRES, (questionnaire.name, questionnaire.get_absolute_url())],
        submit=_("Save"),
    )


@permission_required("surveys.change_questionnaire")
def questionnaire_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void a questionnaire with a reason: nothing more is sent with it, and the links
    of its invitations not answered yet stop working (the page says how many first)."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    unanswered = 0 if questionnaire.is_voided else selectors.open_invitation_count(questionnaire)
    warning = (
        ngettext(
            "%(count)s invitation not answered yet will stop working: its link will say "
            "the survey is closed.",
            "%(count)s invitations not answered yet will stop working: their links will say "
            "the survey is closed.",
            unanswered,
        )
        % {"count": unanswered}
        if unanswered
        else ""
    )
    return void_page(
        request,
        questionnaire,
        back=questionnaire.get_absolute_url(),
        crumbs=[QUESTIONNAIRES, (questionnaire.name, questionnaire.get_absolute_url())],
        warning=warning,
    )


@permission_required("surveys.add_questionnaireversion")
@require_POST
def version_new_draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the next draft, a copy of the latest version, and open it in the designer."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    draft = act(
        request,
        lambda: services.version_new_draft(questionnaire=questionnaire, by=acting_user(request)),
        success=lambda v: (
            _("Version %(number)s is a draft: change it, then approve it.") % {"number": v.number}
        ),
    )
    return redirect("surveys:version_design", draft.pk) if draft else redirect(questionnaire)


@permission_required("surveys.view_questionnaireversion")
def questionnaire_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Show two versions of a questionnaire side by side (``?a=`` and ``?b=`` numbers,
    the last two by default): texts and each question, added, removed or changed."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    versions = list(questionnaire.versions.order_by("-number"))
    asked = [request.GET.get(side, "").strip() for side in ("a", "b")]
    old, new = pick_versions(versions, *asked)
    unknown = [value for value in asked if value and value not in {str(v.number) for v in versions}]
    twice = not unknown and asked[0] and asked[0] == asked[1]
    if unknown or twice:
        # Half of what was asked is no comparison: show the last two, and say so.
        old, new = pick_versions(versions, None, None)
    notice = ""
    if (unknown or twice) and old is not None and new is not None and old != new:
        notice = (
            _(
                "This questionnaire has no version “%(asked)s”: shown are its last two "
                "versions, %(old)s and %(new)s."
            )
            if unknown
            else _(
                "Version %(asked)s was chosen twice: shown are its last two versions, "
                "%(old)s and %(new)s."
            )
        ) % {"asked": ", ".join(unknown) or asked[0], "old": old.number, "new": new.number}
    comparison = None
    if old is not None and new is not None and old != new:
        old, new = (
            selectors.version_with_questions(old.pk),
            selectors.version_with_questions(new.pk),
        )
        comparison = selectors.compare_versions(old, new)
    return render(
        request,
        "surveys/design/compare.html",
        {
            "questionnaire": questionnaire,
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
            "notice": notice,
            "crumbs": [QUESTIONNAIRES, (questionnaire.name, questionnaire.get_absolute_url())],
        },
    )


# A version and its draft --------------------------------------------------------------------


def _version(pk: int) -> QuestionnaireVersion:
    try:
        return selectors.version_with_questions(pk)
    except QuestionnaireVersion.DoesNotExist as exc:
        raise Http404 from exc


def _crumbs(version: QuestionnaireVersion, *, page: bool = True) -> list[Any]:
    questionnaire = version.questionnaire
    crumbs = [QUESTIONNAIRES, (questionnaire.name, questionnaire.get_absolute_url())]
    if page:
        crumbs.append(
            (_("Version %(number)s") % {"number": version.number}, version.get_absolute_url())
        )
    return crumbs


def _version_context(version: QuestionnaireVersion) -> dict[str, Any]:
    """Return what the version's page and the designer show: its texts per language,
    and its questions page by page, each numbered, with its condition in words."""
    questions = version.ordered_questions()
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    texts = [
        (code, name, *(((version.texts or {}).get(code) or {}).get(key, "") for key in KEYS))
        for code, name in Language.choices
    ]
    pages = [
        [
            {
                "number": numbers[q.pk],
                "question": q,
                "condition": selectors.condition_text(q, numbers),
                "texts": [
                    (code, name, q.text_in(code), q.texts.get(code, {}))
                    for code, name in Language.choices
                ],
            }
            for q in page
        ]
        for page in version.pages(questions)
    ]
    return {"texts": texts, "pages": pages, "question_count": len(questions)}


@permission_required("surveys.view_questionnaireversion")
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a version read-only: its texts and questions in order, page by page."""
    version = _version(pk)
    return render(
        request,
        "surveys/design/version_detail.html",
        {
            "version": version,
            **_version_context(version),
            "edit_refusal": version.edit_refusal(),
            "crumbs": _crumbs(version, page=False),
        },
    )


def _draft_or_page(request: HttpRequest, version: QuestionnaireVersion) -> HttpResponse | None:
    """Return a redirect to the version's page, with why, if it is no longer a draft."""
    refusal = version.edit_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect(version)
    return None


@permission_required("surveys.change_question")
def version_design(request: HttpRequest, pk: int) -> HttpResponse:
    """The designer of a draft: texts in each language side by side, the questions in
    order with their page breaks, buttons to add, change, move and remove them."""
    version = _version(pk)
    refused = _draft_or_page(request, version)
    if refused:
        return refused
    return render(
        request,
        "surveys/design/designer.html",
        {
            "version": version,
            **_version_context(version),
            "kinds": Question.Kind.choices,
            "approval_refusals": version.approval_refusals(),
            "crumbs": _crumbs(version),
        },
    )


@permission_required("surveys.change_questionnaireversion")
def version_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's title, introduction and thank-you text in each language."""
    version = _version(pk)
    refused = _draft_or_page(request, version)
    if refused:
        return refused
    form = VersionTextsForm(request.POST or None, version=version)
    saved = submit(
        request,
        form,
        lambda data: services.version_texts_update(
            version=version,
            by=acting_user(request),
            texts=form.texts(),
            change_note=data["change_note"],
        ),
        success=lambda v: _("The texts of version %(number)s are saved.") % {"number": v.number},
    )
    if saved is not None:
        return redirect("surveys:version_design", version.pk)
    return render(
        request,
        "surveys/design/texts_form.html",
        {"form": form, "version": version, "crumbs": _crumbs(version)},
    )


def _question_page(
    request: HttpRequest, version: QuestionnaireVersion, question: Question | None
) -> HttpResponse:
    initial = {}
    if question is None and request.GET.get("kind") in Question.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = QuestionForm(request.POST or None, version=version, question=question, initial=initial)
    by = acting_user(request)
    saved = submit(
        request,
        form,
        lambda data: (
            services.question_add(version=version, by=by, fields=form.fields_for_service())
            if question is None
            else services.question_update(
                question=question, by=by, fields=form.fields_for_service()
            )
        ),
        success=lambda q: _("The question is saved."),
    )
    if saved is not None:
        return redirect(
            f"{reverse('surveys:version_design', args=[version.pk])}#question-{saved.pk}"
        )
    return render(
        request,
        "surveys/design/question_form.html",
        {
            "form": form,
            "version": version,
            "question": question,
            "title": _("Add a question") if question is None else _("Change a question"),
            "crumbs": _crumbs(version),
        },
    )


@permission_required("surveys.add_question")
def question_add_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    return _draft_or_page(request, version) or _question_page(request, version, None)


def _question(pk: int) -> Question:
    return get_object_or_404(Question.objects.select_related("version__questionnaire"), pk=pk)


@permission_required("surveys.change_question")
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    version = question.version
    return _draft_or_page(request, version) or _question_page(request, version, question)


@permission_required("surveys.delete_question")
@require_POST
def question_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(pk)
    act(
        request,
        lambda: services.question_delete(question=question, by=acting_user(request)),
        success=lambda v: _("The question is removed from the draft."),
    )
    return redirect("surveys:version_design", question.version_id)


@permission_required("surveys.change_question")
@require_POST
def question_move_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a question one place up or down (``direction``), then back to it."""
    question = _question(pk)
    act(
        request,
        lambda: services.question_move(
            question=question, by=acting_user(request), direction=request.POST.get("direction", "")
        ),
        success=lambda q: _("The question is moved."),
    )
    return redirect(
        f"{reverse('surveys:version_design', args=[question.version_id])}#question-{question.pk}"
    )


@permission_required("surveys.approve_questionnaireversion")
def version_approve_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what approving a draft means and what still stops it; approve on POST."""
    version = _version(pk)
    if request.method == "POST":
        approved = act(
            request,
            lambda: services.version_approve(version=version, by=acting_user(request)),
            success=lambda v: (
                _("Version %(number)s is approved: surveys can be sent with it.")
                % {"number": v.number}
            ),
        )
        if approved is not None:
            return redirect(approved)
        version = _version(pk)
    return render(
        request,
        "surveys/design/approve.html",
        {
            "version": version,
            "edit_refusal": version.edit_refusal(),
            "refusals": version.approval_refusals(version.ordered_questions()),
            "current": version.questionnaire.versions.filter(
                status=QuestionnaireVersion.Status.APPROVED
            ).first(),
            "crumbs": _crumbs(version),
        },
    )


# Preview -------------------------------------------------------------------------------------


def _language(value: str | None) -> str:
    return value if value in LANGUAGE_CODES else LANGUAGE_CODES[0]


@permission_required("surveys.view_questionnaireversion")
def version_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the version as the customer will see it, in a frame: in English or Hindi
    (``?lang=``), at desktop or phone width (``?width=``)."""
    version = _version(pk)
    language = _language(request.GET.get("lang"))
    width = request.GET.get("width") if request.GET.get("width") in WIDTHS else WIDTHS[0]
    return render(
        request,
        "surveys/design/preview.html",
        {
            "version": version,
            "language": language,
            "width": width,
            "languages": settings.LANGUAGES,
            "widths": [("desktop", _("Desktop")), ("phone", _("Phone, 390 pixels wide"))],
            "frame_url": reverse("surveys:version_preview_frame", args=[version.pk, language]),
            "crumbs": _crumbs(version),
        },
    )
