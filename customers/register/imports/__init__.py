"""CSV import of customers and contacts: check everything first, then all or nothing.

``reading`` turns the uploaded bytes into rows and cells into values; ``contacts``
and ``customers`` check the rows against the register and make a ``plan`` (create,
update, leave unchanged, skip, and every error by row) with a few queries for the
whole file rather than a few per row; ``checks.check`` runs both steps; ``writer``
carries out a plan with no errors in one transaction with bulk writes that record
history; ``jobs`` stores the upload and runs the check and the import, in the
request for a small file and in a Celery task for a large one. It is written for
speed (``bench/import_contacts.py`` imports 50,000 contacts): django-import-export
validates and saves row by row, which is an order of magnitude slower here.
"""
