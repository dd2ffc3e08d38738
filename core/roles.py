"""The role map: which role holds which model permission.

Every permission of every installed model, third-party ones included, is listed
here; those granted to nobody say so with ``NOBODY``. ``sync_roles`` (run after
every migrate) makes each role's group hold exactly these permissions, and a test
fails when a model's permissions are missing. Auditors hold ``view_*`` only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The product's roles; each is a group of the same name."""

    TOP_MANAGEMENT = "Top management", _("Top management")
    QUALITY_MANAGER = "Quality manager", _("Quality manager")
    STAFF = "Staff", _("Staff")
    AUDITOR = "Auditor", _("Auditor")


ROLE_DESCRIPTIONS = {
    Role.TOP_MANAGEMENT: _(
        "You set the quality policy and objectives and hold management reviews on the "
        "live figures; you can read every customer-focus record."
    ),
    Role.QUALITY_MANAGER: _(
        "You run the customer-focus processes: customers and their requirements, "
        "surveys, complaints, and the actions that follow until they are shown to work."
    ),
    Role.STAFF: _(
        "You handle the complaints, follow-ups and tasks assigned to you, and read the "
        "customer records you need for them."
    ),
    Role.AUDITOR: _(
        "You have read-only access: every record and its history, without changing anything."
    ),
}

TM = Role.TOP_MANAGEMENT
QM = Role.QUALITY_MANAGER
ST = Role.STAFF
AU = Role.AUDITOR
NOBODY: frozenset[Role] = frozenset()
EVERYONE: frozenset[Role] = frozenset(Role)

READERS: frozenset[Role] = frozenset({TM, QM, ST, AU})

Grants = dict[str, frozenset[Role]]
DEFAULT_ACTIONS = ("add", "change", "delete", "view")


def grants(
    *,
    view: set[Role] | frozenset[Role] = NOBODY,
    add: set[Role] | frozenset[Role] = NOBODY,
    change: set[Role] | frozenset[Role] = NOBODY,
    delete: set[Role] | frozenset[Role] = NOBODY,
    **custom: set[Role] | frozenset[Role],
) -> Grants:
    """Return one model's grants: the default actions plus custom codenames."""
    actions = {"view": view, "add": add, "change": change, "delete": delete, **custom}
    return {action: frozenset(roles) for action, roles in actions.items()}


def tracked(model_key: str, model_grants: Grants) -> dict[str, Grants]:
    """Return the grants of a model with history and of its history model.

    Whoever reads a record reads its history; nobody writes history by hand.
    """
    app_label, model_name = model_key.split(".")
    return {
        model_key: model_grants,
        f"{app_label}.historical{model_name}": grants(view=model_grants["view"]),
    }


# "app_label.model" -> action ("view", "add", "change", "delete" or a custom
# permission's codename) -> the roles that hold it.
ROLE_MAP: dict[str, Grants] = {
    # Django's own tables: superusers manage them in the admin, no role needs them.
    "admin.logentry": grants(),
    "auth.group": grants(),
    "auth.permission": grants(),
    "contenttypes.contenttype": grants(),
    "sessions.session": grants(),
    # Login throttling records (django-axes): read in the admin by superusers.
    "axes.accessattempt": grants(),
    "axes.accessattemptexpiration": grants(),
    "axes.accessfailurelog": grants(),
    "axes.accesslog": grants(),
    # Users are managed by superusers in the admin; the roles that read records see
    # who made them.
    **tracked("core.user", grants(view={TM, QM, AU})),
    "core.heartbeat": grants(),
    # The communication record of every email sent; the feedback app's log reads it.
    "core.outboundemail": grants(view={TM, QM, AU}),
    # Customers (5.1.2): quality managers edit; staff and top management read;
    # auditors read. Nothing is deleted: records are voided. Anyone but an auditor
    # can be a customer's account owner (and is asked about changes that concern it).
    **tracked(
        "customers.customer",
        grants(
            view=READERS,
            add={QM},
            change={QM},
            export_customer={QM},
            own_customer={TM, QM, ST},
        ),
    ),
    "customers.historicalcustomer_segments": grants(view=READERS),
    "customers.historicalcustomer_products": grants(view=READERS),
    **tracked("customers.contact", grants(view=READERS, add={QM}, change={QM}, erase_contact={QM})),
    **tracked("customers.segment", grants(view=READERS, add={QM}, change={QM})),
    **tracked("customers.productservice", grants(view=READERS, add={QM}, change={QM})),
    "customers.importjob": grants(view={QM, AU}, add={QM}),
    "customers.erasure": grants(view={TM, QM, AU}),
    # Hashes only; read by the import, the contact form and the survey dispatch,
    # never listed. A quality manager with the person's new, explicit request lifts
    # an address off it, with the reason.
    "customers.suppressedemail": grants(lift_suppression={QM}),
    # Needs, requirements and commitments (4.2, 8.2): quality managers edit and
    # review; the others read; whoever a change concerns acknowledges it (not
    # auditors, who change nothing). Versions, review items and changes are written
    # by the services only.
    **tracked("customers.need", grants(view=READERS, add={QM}, change={QM})),
    "customers.historicalneed_requirements": grants(view=READERS),
    **tracked("customers.requirement", grants(view=READERS, add={QM}, change={QM})),
    "customers.requirementversion": grants(view=READERS),
    **tracked(
        "customers.commitment",
        grants(view=READERS, add={QM}, change={QM}, review_commitment={QM}),
    ),
    "customers.historicalcommitment_requirements": grants(view=READERS),
    "customers.commitmentversion": grants(view=READERS),
    **tracked("customers.commitmentreview", grants(view=READERS, add={QM})),
    "customers.reviewitem": grants(view=READERS),
    "customers.change": grants(view=READERS),
    "customers.acknowledgement": grants(view=READERS, acknowledge_change={TM, QM, ST}),
    # Feedback and complaints (8.2.1): staff record feedback and handle the items
    # they own (the services check the owner); quality managers handle any item.
    **tracked(
        "feedback.feedbackitem",
        grants(view=READERS, add={QM, ST}, change={QM, ST}, handle_any_feedbackitem={QM}),
    ),
    "feedback.attachment": grants(view=READERS, add={QM, ST}),
    # Links to the public form that name a contact: created for a contact by those who
    # handle feedback, never listed.
    "feedback.feedbacklink": grants(add={QM, ST}),
    # The communication log (7.4, 8.2.1): everyone but auditors records the calls,
    # meetings and visits they make, and changes or voids their own; quality managers
    # any. Emails are core's OutboundEmail rows, read beside them.
    **tracked(
        "feedback.communication",
        grants(
            view=READERS,
            add={TM, QM, ST},
            change={TM, QM, ST},
            edit_any_communication={QM},
        ),
    ),
    # The communication plan, a controlled document: quality managers draft its rows;
    # quality managers and top management approve a version. Versions are written by
    # the approval only.
    **tracked("feedback.planrow", grants(view=READERS, add={QM}, change={QM})),
    "feedback.planversion": grants(view=READERS, approve_planversion={TM, QM}),
    "feedback.planversionrow": grants(view=READERS),
    # Surveys (9.1.2): quality managers design questionnaires; a version is approved
    # by a quality manager or top management before anything is sent with it.
    **tracked("surveys.questionnaire", grants(view=READERS, add={QM}, change={QM})),
    **tracked(
        "surveys.questionnaireversion",
        grants(view=READERS, add={QM}, change={QM}, approve_questionnaireversion={TM, QM}),
    ),
    **tracked("surveys.question", grants(view=READERS, add={QM}, change={QM}, delete={QM})),
    # Invitations are sent by hand by quality managers (campaigns send them in bulk);
    # their links and unsubscribe links are secrets nobody lists.
    "surveys.invitation": grants(view=READERS, add={QM}, withdraw_invitation={QM}),
    "surveys.invitationtoken": grants(),
    "surveys.unsubscribetoken": grants(),
    # Responses are written by customers through their links only.
    "surveys.response": grants(view=READERS),
    "surveys.answer": grants(view=READERS),
}


def codename(model_key: str, action: str) -> tuple[str, str]:
    """Return the (app_label, codename) of one action on one model."""
    app_label, model_name = model_key.split(".")
    if action in DEFAULT_ACTIONS:
        return app_label, f"{action}_{model_name}"
    return app_label, action


def permissions_of(role: Role) -> set[tuple[str, str]]:
    """Return the (app_label, codename) pairs the role holds."""
    return {
        codename(model_key, action)
        for model_key, model_grants in ROLE_MAP.items()
        for action, roles in model_grants.items()
        if role in roles
    }


def mapped_permissions() -> set[tuple[str, str]]:
    """Return every (app_label, codename) pair the map mentions."""
    return {
        codename(model_key, action)
        for model_key, model_grants in ROLE_MAP.items()
        for action in model_grants
    }
