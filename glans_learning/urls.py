"""The plugin's one URLconf. A host site includes it before Wagtail's page URLs:

path("", include("glans_learning.urls")),
"""

from django.apps import apps
from django.urls import include, path, re_path

from glans_learning.core.views import api_not_found

from .api import api

urlpatterns = [
    path("accounts/", include("glans_learning.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("leren/", include("glans_learning.courses.urls")),
    path("meten/", include("glans_learning.measurement.urls")),
    path("credentials/", include("glans_learning.credentials.urls")),
    path("certificering/", include("glans_learning.certification.urls")),
    path("privacy/", include("glans_learning.organisations.privacy_urls")),
    path("lid-worden/", include("glans_learning.organisations.join_urls")),
    path("xblock/", include("glans_learning.content.xblocks.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", api_not_found),
]

if apps.is_installed("glans_learning.sso"):  # single sign-on (docs/sso.md)
    urlpatterns.insert(0, path("accounts/", include("glans_learning.sso.urls")))

if apps.is_installed("glans_learning.lti"):  # the LTI tool (docs/lti.md)
    urlpatterns.insert(0, path("lti/", include("glans_learning.lti.urls")))
