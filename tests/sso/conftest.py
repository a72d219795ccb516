# The SSO journeys run in Debian's chromium, as the browser tests do.
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401
