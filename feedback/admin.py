"""The feedback app's admin: each register registers its models in its own module."""

from feedback.communication import admin as communication
from feedback.complaints import admin as complaints

__all__ = ["communication", "complaints"]
