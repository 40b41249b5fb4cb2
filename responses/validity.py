"""Validity flags for a newly stored response (placeholder in the form branch)."""


def flag_new_response(response, *, now):
    """Placeholder: the validity module (helper "validity") replaces this with the real flag rules.

    Called by responses.services.submit_response inside its transaction, after the Response and its
    Scoresheets exist; returns the Flags it created.
    """
    return []
