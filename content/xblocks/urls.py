from django.urls import path

from . import views

app_name = "glans_content"

urlpatterns = [
    path(
        "preview/handler/<slug:handler_name>/", views.preview_handler, name="xblock_preview_handler"
    ),
    path(
        "preview/handler/<slug:handler_name>/<path:suffix>",
        views.preview_handler,
        name="xblock_preview_handler_suffix",
    ),
    path("<str:usage_id>/handler/<slug:handler_name>/", views.handler, name="xblock_handler"),
    path(
        "<str:usage_id>/handler/<slug:handler_name>/<path:suffix>",
        views.handler,
        name="xblock_handler_suffix",
    ),
]
