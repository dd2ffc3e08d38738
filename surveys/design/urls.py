"""Pages of the design register, under /surveys/ (namespace "surveys")."""

from django.urls import path

from surveys.design import views

urlpatterns = [
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", views.questionnaire_create_page, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/void/", views.questionnaire_void, name="questionnaire_void"),
    path(
        "questionnaires/<int:pk>/compare/",
        views.questionnaire_compare,
        name="questionnaire_compare",
    ),
    path(
        "questionnaires/<int:pk>/new-draft/", views.version_new_draft_page, name="version_new_draft"
    ),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/design/", views.version_design, name="version_design"),
    path("versions/<int:pk>/texts/", views.version_texts, name="version_texts"),
    path("versions/<int:pk>/approve/", views.version_approve_page, name="version_approve"),
    path("versions/<int:pk>/preview/", views.version_preview, name="version_preview"),
    path("versions/<int:pk>/questions/new/", views.question_add_page, name="question_add"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete_page, name="question_delete"),
    path("questions/<int:pk>/move/", views.question_move_page, name="question_move"),
]
