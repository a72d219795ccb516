import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glans_site.settings.production")

application = get_wsgi_application()

# Compile the page templates and render each exercise type once before this worker takes
# traffic, so that the first learner after a deploy does not pay for it (docs/performance.md).
from glans_learning.warmup import warm_up  # noqa: E402 - needs Django set up

warm_up()
