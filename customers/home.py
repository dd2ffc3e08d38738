from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from customers.models import Contact, Customer


def register_summary(request: HttpRequest) -> dict[str, Any]:
    """Return the counts the home page shows about the customer register."""
    customers = Customer.objects.active().aggregate(
        active=Count("pk", filter=Q(status=Customer.Status.ACTIVE)),
        at_risk=Count("pk", filter=Q(status=Customer.Status.AT_RISK)),
        prospects=Count("pk", filter=Q(status=Customer.Status.PROSPECT)),
        mine=Count("pk", filter=Q(account_owner=request.user.pk)),
    )
    contacts = Contact.objects.active().aggregate(
        total=Count("pk"),
        reachable=Count(
            "pk", filter=Q(consent=True, opted_out=False, bounced=False, erased_at__isnull=True)
        ),
    )
    return {"customers": customers, "contacts": contacts}
