"""bench/submit: load test of the public form's POST against a bare one-row insert (see run.py)."""
