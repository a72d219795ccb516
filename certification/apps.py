from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glans_learning.certification"
    label = "glans_certification"
    verbose_name = _("Certificering")
