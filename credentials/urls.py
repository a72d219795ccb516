from django.urls import path

from . import views

app_name = "glans_credentials"

urlpatterns = [
    path("mijn/", views.mine, name="mine"),
    path("certificaat/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verifieer/<str:code>/", views.verify, name="verify"),
    path("ob3/<str:code>", views.credential, name="credential"),
    path("ob2/<str:code>", views.assertion, name="assertion"),
    path("ob2/badge/<int:programme_key>", views.badge_class, name="badge_class"),
    path("badge.svg", views.badge_image, name="badge_image"),
    path("issuer", views.issuer, name="issuer"),
    path("jwks.json", views.jwks, name="jwks"),
    path("status/<int:list_id>", views.status_list, name="status_list"),
    path("register/<int:register_id>/export", views.register_export, name="register_export"),
]
