from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, trusting as many proxies as TRUSTED_PROXY_COUNT.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the client is the entry the outermost trusted proxy wrote;
    entries to its left were written by the client and are not trusted. Login
    throttling and the public forms' rate limits both use this.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
