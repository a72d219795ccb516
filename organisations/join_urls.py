from django.urls import path

from . import join_views

app_name = "glans_join"

urlpatterns = [
    path("<str:token>/", join_views.join, name="join"),
]
