"""The host project for the GLANS plugin apps (demo, tests, standalone deployment)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
