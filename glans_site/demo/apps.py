from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "glans_site.demo"
    label = "glans_demo"
    verbose_name = "GLANS demo data"
