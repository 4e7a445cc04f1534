"""强特色 pages."""

urlpatterns: list = []
