import datetime
import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import (  # noqa: F401 (Debian's chromium for the browser test)
    browser_context_args,
    browser_type_launch_args,
)
from tests.factories import SchoolYearFactory

PLATFORM = Path(__file__).with_name("platform_server.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Platform:
    base: str
    process: subprocess.Popen

    def state(self) -> dict:
        return requests.get(f"{self.base}/state", timeout=10).json()

    def configure(self, **tool) -> None:
        requests.post(
            f"{self.base}/configure", data=json.dumps(tool), timeout=10
        ).raise_for_status()


@pytest.fixture
def platform():
    """A real LTI 1.3 platform (lti1p3platform) as its own process on loopback."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(PLATFORM), str(port), "localhost"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    yield Platform(base=f"http://localhost:{port}", process=process)
    process.terminate()
    process.wait(timeout=10)


@dataclass
class Tool:
    base: str
    registration: object
    deployment: object
    placement: object
    programme: object


@pytest.fixture
def tool(live_server, platform, zonnebloem, tmp_path):
    """GLANS as the tool: a programme, the tool's key, the platform registered (issuer,
    client id, endpoints), its deployment and its placement at De Zonnebloem."""
    from lti_tool.models import Key, LtiDeployment, LtiRegistration

    from glans_learning.lti.models import Placement
    from tests.builders import build_programme

    today = timezone.localdate()
    SchoolYearFactory(
        label="nu",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=300),
    )
    programme = build_programme(tmp_path / "material", slug="pabo", lessons_per_module=2)
    Key.objects.generate()
    registration = LtiRegistration.objects.create(
        name="Pabo-LMS",
        issuer=platform.base,
        client_id="glans-tool",
        auth_url=f"{platform.base}/auth",
        token_url=f"{platform.base}/token",
        keyset_url=f"{platform.base}/jwks",
    )
    deployment = LtiDeployment.objects.create(
        registration=registration, deployment_id="deployment-1", is_active=True
    )
    placement = Placement.objects.create(registration=registration, unit=zonnebloem)
    base = live_server.url
    platform.configure(
        login_url=base + reverse("glans_lti:login", args=[registration.uuid]),
        launch_url=base + reverse("glans_lti:launch"),
        jwks_url=base + reverse("glans_lti:jwks"),
        client_id="glans-tool",
        deployment_id="deployment-1",
    )
    return Tool(base, registration, deployment, placement, programme)


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()
