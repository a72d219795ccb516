from django.urls import path

from . import privacy_views

app_name = "glans_privacy"

urlpatterns = [
    path("mijn-gegevens/", privacy_views.my_data, name="mine"),
    path("persoon/<int:user_id>/", privacy_views.person_data, name="person"),
    path("persoon/<int:user_id>/wissen/", privacy_views.person_erase, name="erase"),
]
