from django.urls import path

from . import views

app_name = "glans_courses"

urlpatterns = [
    path("activiteit/<str:lesson_id>/<str:block_id>/", views.activity_submit, name="activity"),
    path("zoeken/", views.search, name="search"),
    path("bijeenkomsten/", views.session_list, name="sessions"),
    path(
        "bijeenkomsten/<str:session_id>/aanmelden/",
        views.session_registration,
        name="session_registration",
    ),
    path(
        "bijeenkomsten/<str:session_id>/aanwezigheid/", views.session_attendance, name="attendance"
    ),
]
