from zhenwu.agriculture import urls_bases, urls_farmland

app_name = "agriculture"

urlpatterns = [*urls_bases.urlpatterns, *urls_farmland.urlpatterns]
