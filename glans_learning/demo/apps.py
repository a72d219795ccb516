from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "glans_learning.demo"
    label = "glans_demo"
    verbose_name = "GLANS demo data"
