"""The read-only open-data API under /api/v1/ (django-ninja) and the open-data downloads of /hasil/.

`figures.py` builds the rows (through `reporting.publication.publish`, the public pages' rule), `api.py` serves
them as JSON with an OpenAPI description, `downloads.py` as CSV/JSON files with a Frictionless table schema,
`tokens.py` holds the access tokens of ministry systems and `staff.py` the Pusat page that issues them.
"""
