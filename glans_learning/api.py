"""The plugin's JSON API (`/api/v1/`), assembled from each app's router."""

from glans_learning.certification.api import router as certification_router
from glans_learning.core.api import router as core_router
from glans_learning.core.api_auth import API_AUTH
from glans_learning.core.api_docs import GlansSwagger
from glans_learning.core.api_errors import GlansAPI, GlansParser, install_error_handlers
from glans_learning.courses.api import router as courses_router
from glans_learning.credentials.api import router as credentials_router
from glans_learning.measurement.api import router as measurement_router
from glans_learning.organisations.api import router as organisations_router

api = GlansAPI(
    title="GLANS API",
    version="1",
    description="API van het GLANS-leerplatform. Inloggen met de sessie van de site (met CSRF) "
    "of met een persoonlijke API-sleutel (`Authorization: Bearer …`).",
    auth=API_AUTH,
    urls_namespace="glans_api",
    docs_url="/docs",
    docs=GlansSwagger(),
    parser=GlansParser(),
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", organisations_router)
api.add_router("/", courses_router)
api.add_router("/", credentials_router)
api.add_router("/", measurement_router)
api.add_router("/", certification_router)
