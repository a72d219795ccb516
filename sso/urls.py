"""The protocol endpoints (allauth's views, under allauth's URL names, which its code
reverses), each wrapped so that a provider that cannot be reached gives a Dutch page instead
of a server error; and the director's decision on pending memberships."""

from allauth.socialaccount.providers.openid_connect import views as oidc
from allauth.socialaccount.providers.saml import views as saml
from django.urls import include, path

from . import views

app_name = None  # allauth reverses its own names without a namespace

_oidc = [
    path("login/", views.provider_trouble_as_page(oidc.login), name="openid_connect_login"),
    path(
        "login/callback/",
        views.provider_trouble_as_page(oidc.callback),
        name="openid_connect_callback",
    ),
]
_saml = [
    path("acs/", saml.acs, name="saml_acs"),
    path("acs/finish/", views.provider_trouble_as_page(saml.finish_acs), name="saml_finish_acs"),
    path("sls/", views.provider_trouble_as_page(saml.sls), name="saml_sls"),
    path("metadata/", views.provider_trouble_as_page(saml.metadata), name="saml_metadata"),
    path("login/", views.provider_trouble_as_page(saml.login), name="saml_login"),
]

urlpatterns = [
    path("oidc/<str:provider_id>/", include(_oidc)),
    path("saml/<str:organization_slug>/", include(_saml)),
    path("fout/", views.login_error, name="socialaccount_login_error"),
    path("afgebroken/", views.login_cancelled, name="socialaccount_login_cancelled"),
    path("aanmelden/", views.no_signup, name="socialaccount_signup"),
    path("koppelingen/", views.connections, name="socialaccount_connections"),
    path(
        "aanmeldingen/<str:unit_id>/",
        views.join_request_decide,
        name="glans_sso_join_request_decide",
    ),
]
