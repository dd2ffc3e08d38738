"""Numbers from the address: one parser for every page that reads one."""

# The largest value a BigAutoField (and any id column here) holds.
MAX_ID = 2**63 - 1


def positive_int(text: str | None) -> int | None:
    """Return ``text`` as a number from 1 up to the largest id, else None.

    ASCII digits only: ``str.isdigit()`` accepts "²" and "٣", which ``int()`` then
    refuses or reads as another number. Signs, spaces and underscores are refused too,
    as they are in an id.
    """
    if not text or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
