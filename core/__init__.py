"""Project-wide plumbing that knows no domain (DESIGN.md section 2).

API base classes, renderers, pagination, throttling, the client address, the data version,
transactions helpers, formatting, search helpers and the one ``record_url`` live here. Every app
may import core; core imports no app of ours.
"""
