"""Dashboards, exports and follow-up URLs."""
urlpatterns: list = []
