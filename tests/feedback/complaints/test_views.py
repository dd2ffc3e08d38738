"""The register's pages: what each role sees and may do, recording feedback, the steps
of the workflow through their forms, bad input, and constant queries."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboundEmail
from core.roles import Role
from customers.register.selectors import CONTACT_FIGURES_KEY
from feedback.complaints import services
from feedback.models import Attachment, FeedbackItem
from tests.factories import ContactFactory, UserFactory
from tests.feedback.complaints.conftest import png
from tests.feedback.factories import FeedbackItemFactory
from tests.queries import Pin, assert_pinned

pytestmark = pytest.mark.django_db

Status = FeedbackItem.Status


def detail(client, item):
    return client.get(reverse("feedback:item_detail", args=[item.pk]))


def step_url(item, step):
    return reverse("feedback:item_step", args=[item.pk, step])


@pytest.mark.parametrize(
    ("role", "sees_steps"),
    [
        (Role.QUALITY_MANAGER, True),
        (Role.STAFF, False),
        (Role.AUDITOR, False),
        (Role.TOP_MANAGEMENT, False),
    ],
)
def test_each_role_reads_an_item_and_only_handlers_are_offered_its_steps(client, role, sees_steps):
    item = FeedbackItemFactory(status=Status.ACKNOWLEDGED, owner=UserFactory(role=Role.STAFF))
    client.force_login(UserFactory(role=role))
    response = detail(client, item)
    assert response.status_code == 200
    assert (step_url(item, "assess") in response.content.decode()) is sees_steps
    posted = client.post(step_url(item, "assess"), {"severity": "low"})
    item.refresh_from_db()
    assert (item.status == Status.ASSESSED) is sees_steps
    if role in (Role.AUDITOR, Role.TOP_MANAGEMENT):
        assert posted.status_code == 403


def test_staff_take_the_steps_of_their_own_items(client, staff):
    item = FeedbackItemFactory(status=Status.ACKNOWLEDGED, owner=staff)
    client.force_login(staff)
    assert step_url(item, "assess") in detail(client, item).content.decode()
    response = client.post(step_url(item, "assess"), {"severity": "critical", "justified": "true"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.severity, item.justified) == (Status.ASSESSED, "critical", True)


def test_staff_opening_a_step_of_someone_elses_item_are_sent_back_with_why(client, staff):
    item = FeedbackItemFactory(status=Status.ACKNOWLEDGED, owner=UserFactory(role=Role.STAFF))
    client.force_login(staff)
    response = client.get(step_url(item, "assess"), follow=True)
    assert "only its owner or a quality manager may handle it" in response.content.decode()


def test_close_is_not_offered_until_the_reply_and_the_page_says_why(client, manager):
    item = FeedbackItemFactory(status=Status.RESPONDED, owner=manager, decision="Refund")
    client.force_login(manager)
    html = detail(client, item).content.decode()
    assert step_url(item, "close") not in html
    assert "Record the customer&#x27;s reply first" in html
    client.post(step_url(item, "reply"), {"accepted": "true"})
    html = detail(client, item).content.decode()
    assert step_url(item, "close") in html


def test_staff_record_a_phone_complaint_with_an_attachment_and_the_sender_is_acknowledged(
    client, staff, django_capture_on_commit_callbacks
):
    contact = ContactFactory(language="hi")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:item_create"),
            {
                "kind": "complaint",
                "channel": "phone",
                "contact": str(contact.pk),
                "language": "hi",
                "subject": "Noisy pump",
                "description": "The pump is loud at night.",
                "attachments": [png()],
            },
        )
    item = FeedbackItem.objects.get()
    assert response.status_code == 302
    assert (item.customer, item.owner, item.status) == (
        contact.customer,
        staff,
        Status.ACKNOWLEDGED,
    )
    assert item.attachments.get().content_type == "image/png"
    assert OutboundEmail.objects.get(purpose="feedback acknowledgement").language == "hi"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 5 * 1024 * 1024),
            "the most a file may be",
        ),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03"), "is not a PDF"),
    ],
    ids=["oversized", "wrong type"],
)
def test_a_refused_file_says_why_and_nothing_is_saved(client, staff, upload, message):
    client.force_login(staff)
    response = client.post(
        reverse("feedback:item_create"),
        {
            "kind": "suggestion",
            "channel": "letter",
            "language": "en",
            "description": "More colours",
            "attachments": [upload],
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FeedbackItem.objects.exists()
    assert not Attachment.objects.exists()


def test_a_description_over_the_limit_says_the_limit(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("feedback:item_create"),
        {"kind": "enquiry", "channel": "letter", "language": "en", "description": "x" * 10_001},
    )
    assert "10,000" in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_script_in_any_field_is_shown_as_text(client, manager):
    script = "<script>alert('x')</script>"
    item = FeedbackItemFactory(
        subject=script, description=script, sender_name=script, decision=script, owner=manager
    )
    client.force_login(manager)
    for url in (reverse("feedback:item_list"), reverse("feedback:item_detail", args=[item.pk])):
        html = client.get(url).content.decode()
        assert script not in html
        assert "&lt;script&gt;" in html


def test_the_list_finds_an_item_by_its_reference_and_filters_the_overdue(client, manager):
    item = FeedbackItemFactory(description="Pump noise")
    other = FeedbackItemFactory(description="Late invoice")
    client.force_login(manager)
    page = client.get(reverse("feedback:item_list"), {"q": item.reference}).context["page"]
    assert [row.pk for row in page] == [item.pk]
    FeedbackItem.objects.filter(pk=other.pk).update(due_at="2020-01-01T00:00Z")
    page = client.get(reverse("feedback:item_list"), {"flag": "overdue"}).context["page"]
    assert [row.pk for row in page] == [other.pk]


def test_mine_lists_the_signed_in_persons_items(client, staff):
    mine = FeedbackItemFactory(owner=staff)
    FeedbackItemFactory(owner=UserFactory(role=Role.STAFF))
    client.force_login(staff)
    page = client.get(reverse("feedback:item_list"), {"assignment": "mine"}).context["page"]
    assert [row.pk for row in page] == [mine.pk]


def test_turning_an_enquiry_into_a_complaint_through_its_page(
    client, manager, django_capture_on_commit_callbacks
):
    enquiry = FeedbackItemFactory(kind="enquiry", owner=manager)
    client.force_login(manager)
    response = client.post(step_url(enquiry, "convert"), {"reason": "They want compensation"})
    complaint = FeedbackItem.objects.get(source_item=enquiry)
    assert response.url == complaint.get_absolute_url()
    html = detail(client, enquiry).content.decode()
    assert complaint.get_absolute_url() in html
    assert step_url(enquiry, "convert") not in html


def test_an_attachment_is_downloaded_through_the_checked_view(client, manager):
    item = services.feedback_receive(
        kind="complaint", channel="email", description="See photo", files=[png()], sender_name="A"
    )
    client.force_login(UserFactory(role=Role.AUDITOR))
    html = detail(client, item).content.decode()
    attachment = item.attachments.get()
    url = reverse(
        "private_file",
        kwargs={
            "app_label": "feedback",
            "model_name": "attachment",
            "pk": attachment.pk,
            "field_name": "file",
        },
    )
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


# Query pins ----------------------------------------------------------------------------


def items(count, user):
    for n in range(count):
        item = FeedbackItemFactory(
            owner=user, product=None, status=Status.ACKNOWLEDGED, due_at="2020-01-01T00:00Z"
        )
        if n % 2:
            FeedbackItemFactory(kind="follow_up", owner=user, source_item=item)
    # The home page's contact figures are counted when none are kept: pin that view.
    cache.delete(CONTACT_FIGURES_KEY)


def related(count, item):
    for _ in range(count):
        Attachment.objects.create(
            item=item,
            token="t",
            file="feedback/x",
            original_name="x.png",
            content_type="image/png",
            size=1,
        )
        item.subject = f"{item.subject}x"
        item.save()
        FeedbackItemFactory(kind="complaint", source_item=item)


PINS = [
    # Session, user, permissions (2), the owner filter's people, the count, the page.
    Pin("feedback:item_list", items, 7),
    Pin("feedback:item_list", items, 7, {"flag": "overdue", "q": "delivery"}),
    Pin(
        "feedback:item_list", items, 6, headers={"HX-Request": "true", "HX-Target": "list-results"}
    ),
    Pin(
        "feedback:item_detail",
        related,
        8,
        record=lambda user: FeedbackItemFactory(kind="suggestion", owner=user),
    ),
    Pin("home", items, 15),  # the same as tests/core/test_home_queries.py
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, manager, django_assert_num_queries, pin
):
    assert_pinned(client, manager, django_assert_num_queries, pin)


def test_an_attachment_downloads_with_its_own_name_and_checked_type(client, manager):
    from core.files import private_file_url  # noqa: PLC0415

    item = services.feedback_receive(
        kind="complaint",
        channel="email",
        description="See the photo",
        contact=ContactFactory(),
        owner=manager,
        files=[png("Fotó der Pumpe.png")],
    )
    attachment = Attachment.objects.get(item=item)
    client.force_login(manager)
    response = client.get(private_file_url(attachment, "file"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Fot%C3%B3%20der%20Pumpe.png" in disposition


def test_a_step_not_available_now_is_refused_on_get_and_post_with_a_clear_message(client, manager):
    item = FeedbackItemFactory(status=Status.ASSESSED, owner=manager, severity="low")
    client.force_login(manager)
    for method in (client.get, client.post):
        response = method(step_url(item, "reopen"), {"reason": "Try"}, follow=True)
        assert response.redirect_chain[-1][0] == item.get_absolute_url()
        assert "Only a closed complaint can be reopened." in response.content.decode()
    response = client.get(step_url(item, "close"), follow=True)
    assert response.redirect_chain[-1][0] == item.get_absolute_url()
    assert "A complaint closes once the decision is communicated" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.ASSESSED


def test_only_a_quality_manager_is_offered_void_and_may_void(client, staff, manager):
    item = FeedbackItemFactory(status=Status.ACKNOWLEDGED, owner=staff)
    void_url = reverse("feedback:item_void", args=[item.pk])
    client.force_login(staff)
    assert void_url not in detail(client, item).content.decode()
    assert client.post(void_url, {"reason": "Mine anyway"}).status_code == 403
    item.refresh_from_db()
    assert not item.is_voided
    client.force_login(manager)
    assert void_url in detail(client, item).content.decode()


def test_the_owner_chooser_suggests_only_people_who_handle_feedback(client, manager):
    UserFactory(role=Role.AUDITOR, full_name="Zed Auditor")
    UserFactory(role=Role.TOP_MANAGEMENT, full_name="Zed Director")
    handler = UserFactory(role=Role.STAFF, full_name="Zed Staff")
    client.force_login(manager)
    item = FeedbackItemFactory(owner=manager)
    page = client.get(reverse("feedback:item_assign", args=[item.pk])).content.decode()
    assert reverse("choose", args=["feedback_handlers"]) in page
    response = client.get(reverse("choose", args=["feedback_handlers"]), {"q": "Zed"})
    html = response.content.decode()
    assert handler.full_name in html
    assert "Zed Auditor" not in html
    assert "Zed Director" not in html


def test_the_sender_is_said_plainly_and_the_decision_note_names_the_language(client, manager):
    item = FeedbackItemFactory(contact=None, owner=manager, status=Status.ASSESSED)
    long_name = "N" * 150
    FeedbackItemFactory(customer=None, contact=None, sender_name=long_name)
    client.force_login(manager)
    html = detail(client, item).content.decode()
    assert "Anonymous" not in html
    assert "No contact named" in html
    assert long_name not in client.get(reverse("feedback:item_list")).content.decode()
    hindi = FeedbackItemFactory(owner=manager, status=Status.ASSESSED, language="hi")
    hindi.contact.language = "hi"
    page = client.get(step_url(hindi, "respond")).content.decode()
    assert "Emailed to the sender" in page
    assert "in Hindi" in page
