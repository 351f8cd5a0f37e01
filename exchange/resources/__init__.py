"""Import resources: one per kind of record, for the admin's Import button and ``manage.py import_records``."""
