"""What this register adds to the lower apps' registries, called from FeedbackConfig.ready()."""


def register() -> None:
    """Fill the registries and connect the signals this register needs."""
