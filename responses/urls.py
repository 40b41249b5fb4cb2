"""Public survey form URLs."""
urlpatterns: list = []
