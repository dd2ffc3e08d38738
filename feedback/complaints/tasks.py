"""This register's Celery tasks: thin, idempotent wrappers that call its services.

Services enqueue them by name (``core.broker.ring``) and never import this module.
"""

__all__: list[str] = []
