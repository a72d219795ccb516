from django.urls import path

from . import views

app_name = "glans_measurement"

urlpatterns = [
    path("", views.index, name="index"),
    path("groep/<str:group_id>/", views.group_grid, name="grid"),
    path("school/<str:unit_id>/", views.school_dashboard, name="school"),
    path("school/<str:unit_id>/import/", views.import_view, name="import"),
    path("opvolging/<str:rating_id>/", views.follow_up, name="follow_up"),
    path("bestuur/<str:board_id>/", views.board_dashboard, name="board"),
    path("academie/", views.academy_dashboard, name="academy"),
]
