"""Placeholder views, replaced by the public pages' implementation."""

from django.http import HttpRequest, HttpResponse


def answer(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError


thanks = unsubscribe = one_click = answer
