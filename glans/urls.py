"""The plugin's one URLconf. A host site includes it before Wagtail's page URLs:

path("", include("glans.urls")),
"""

from django.urls import include, path, re_path

from organisations.views import api_not_found

from .api import api

urlpatterns = [
    path("accounts/", include("organisations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("leren/", include("courses.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", api_not_found),
]
