"""Demo data for this register (manage.py load_demo); loading twice adds nothing."""


def load() -> list[str]:
    """Load the demo records that are missing; return what was created."""
    return []
