"""Template tags of the customer register's pages."""

from typing import Any

from django import template

from customers.models import Customer
from customers.register import selectors

register = template.Library()


@register.inclusion_tag("customers/register/partials/customer_history.html")
def customer_history(customer: Customer, page: int = 1) -> dict[str, Any]:
    """Show every change to the customer and its contacts, the imports that made them,
    and the erasures, newest first, a page at a time: who changed this account, in
    one place."""
    return {**selectors.customer_history(customer, page=page), "customer": customer}
