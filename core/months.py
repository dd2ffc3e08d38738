"""The month names, marked for translation in the project's own source.

Django's Hindi catalogue misspells three of them ("सितमबर", "नवमबर", "दिसमबर" for
सितंबर, नवंबर, दिसंबर), and dates on the customers' pages and emails ("j F Y") read
them from ``django.utils.dates.MONTHS``. The project's catalogue (``LOCALE_PATHS``)
comes first, so it overrides them; marking the names here keeps their entries in it
when ``make messages`` runs with ``--no-obsolete``. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
