"""守粮安 pages."""

urlpatterns: list = []
