from .base import *  # noqa: F403
from .env import cache_from_env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# Each process's own memory, or Redis with DJANGO_CACHE_URL (as in production): `make load`
# sets it, so that its gunicorn workers share one cache as a production site's do.
CACHES = cache_from_env()
