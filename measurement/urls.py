from django.urls import path

from . import views

app_name = "glans_measurement"

urlpatterns = [
    path("", views.index, name="index"),
    path("groep/<str:group_id>/", views.group_grid, name="grid"),
    path("school/<str:unit_id>/", views.school_dashboard, name="school"),
    path("groep/<str:group_id>/oefenen/", views.practice, name="practice"),
    path("groep/<str:group_id>/3-op-1/", views.appreciation_tick, name="appreciation_tick"),
    path("3-op-1/voorkeur/", views.appreciation_preference, name="appreciation_preference"),
    path("groep/<str:group_id>/maandcheck/", views.self_check, name="self_check"),
    path("school/<str:unit_id>/export/", views.school_export, name="school_export"),
    path("school/<str:unit_id>/import/", views.import_view, name="import"),
    path("import/<str:job_id>/", views.import_job, name="import_job"),
    path("import/<str:job_id>/status/", views.import_job_status, name="import_job_status"),
    path("opvolging/<str:rating_id>/", views.follow_up, name="follow_up"),
    path("bestuur/<str:board_id>/", views.board_dashboard, name="board"),
    path("academie/", views.academy_dashboard, name="academy"),
]
