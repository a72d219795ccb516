from django.urls import path

from . import upkeep_views, views

app_name = "glans_certification"

urlpatterns = [
    path("", views.index, name="index"),
    path("rubriek/", views.rubric, name="rubric"),
    path("school/<str:unit_id>/", views.unit_view, name="unit"),
    path("school/<str:unit_id>/jaarverslag/", views.year_report, name="year_report"),
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
    path(
        "certificaat/<str:certificate_id>/pdf/",
        upkeep_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("certificaat/<str:certificate_id>/check-in/", upkeep_views.checkin, name="checkin"),
    path(
        "check-in/<str:checkin_id>/bekeken/",
        upkeep_views.checkin_accept,
        name="checkin_accept",
    ),
    path("aanvraag/<str:application_id>/pdf/", upkeep_views.dossier_pdf, name="dossier_pdf"),
    path(
        "aanvraag/<str:application_id>/bijlage/<str:attachment_id>/",
        upkeep_views.dossier_attachment,
        name="dossier_attachment",
    ),
    path("handboek/<str:handbook_id>/werkruimte/", upkeep_views.workspace, name="workspace"),
    path(
        "bijlage/<str:attachment_id>/",
        upkeep_views.attachment_download,
        name="attachment",
    ),
    path("verifieer/<str:code>/", views.verify, name="verify"),
    path("register/", views.register, name="register"),
]
