"""The feedback app's admin: each register registers its models in its own module."""

from feedback.communication import admin as communication

__all__ = ["communication"]
