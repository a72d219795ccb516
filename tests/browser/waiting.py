"""Waiting for a condition in the page under the site's Content-Security-Policy: Playwright's
`wait_for_function` polls with eval inside the page, which a CSP without 'unsafe-eval'
refuses; `page.evaluate` runs outside the page's CSP."""

import time


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not true within {timeout} s: {expression}")
