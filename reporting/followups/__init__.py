"""Follow-up of results (Monitoring dan Inventarisasi Masalah): action plans, evidence, checklist, public page."""
