from django.urls import path
from lti_tool.views import jwks

from . import views

app_name = "glans_lti"

urlpatterns = [
    path("inloggen/<uuid:registration_uuid>/", views.LoginView.as_view(), name="login"),
    path("start/", views.LaunchView.as_view(), name="launch"),
    path("kiezen/", views.pick, name="pick"),
    path("jwks.json", jwks, name="jwks"),
]
