from django.urls import path

from . import views

app_name = "glans_certification"

urlpatterns = [
    path("", views.index, name="index"),
    path("school/<str:unit_id>/", views.unit_view, name="unit"),
    path("school/<str:unit_id>/handboek/", views.handbook_start, name="handbook_start"),
    path("school/<str:unit_id>/handboek/verschil/", views.handbook_diff, name="handbook_diff"),
    path("school/<str:unit_id>/aanvragen/", views.apply, name="apply"),
    path("bestuur/<str:board_id>/", views.board_view, name="board"),
    path("werklijst/", views.worklist, name="worklist"),
    path("aanvraag/<str:application_id>/", views.application_view, name="application"),
    path("aanvraag/<str:application_id>/stap/", views.step, name="step"),
    path("certificaat/<str:certificate_id>/", views.certificate_view, name="certificate"),
    path(
        "certificaat/<str:certificate_id>/intrekken/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "certificaat/<str:certificate_id>/register/",
        views.certificate_register,
        name="certificate_register",
    ),
    path("verifieer/<str:code>/", views.verify, name="verify"),
    path("register/", views.register, name="register"),
]
