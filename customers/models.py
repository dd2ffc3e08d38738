"""The customers app's models: the register (customers, contacts) and requirements."""

from customers.register.models import (
    Contact,
    Customer,
    Erasure,
    ImportJob,
    ProductService,
    Segment,
    SuppressedEmail,
    email_hash,
)
from customers.requirements.models import (
    Acknowledgement,
    Change,
    Commitment,
    CommitmentReview,
    CommitmentVersion,
    Need,
    Requirement,
    RequirementVersion,
    ReviewItem,
)

__all__ = [
    "Acknowledgement",
    "Change",
    "Commitment",
    "CommitmentReview",
    "CommitmentVersion",
    "Contact",
    "Customer",
    "Erasure",
    "ImportJob",
    "Need",
    "ProductService",
    "Requirement",
    "RequirementVersion",
    "ReviewItem",
    "Segment",
    "SuppressedEmail",
    "email_hash",
]
