"""Issue #25: the own-data page names its sections and columns in Dutch (not auth.User or
lesson__title), shows yes/no as Ja/Nee, and its scrollable tables take keyboard focus."""

import re

from glans_learning.courses import services
from tests.courses.test_progress_support import current_year, lesson, proef


def test_own_data_page_reads_as_dutch(client, teacher, loaded_fixture):
    current_year()
    services.enrol(user=teacher, programme=proef(), by=teacher)
    services.lesson_open(user=teacher, lesson=lesson("eerste-les"))
    client.force_login(teacher)
    html = client.get("/privacy/mijn-gegevens/").content.decode()
    assert "auth.User" not in html and "glans_courses." not in html
    assert "__" not in re.sub(r"<[^>]+>", "", html)  # no lesson__title as a column
    assert ">Gebruikers (1)<" in html
    assert "True" not in html and ">Ja<" in html
    scrollers = re.findall(r'<div class="table-scroll"[^>]*>', html)
    assert scrollers and all('tabindex="0"' in tag and 'role="region"' in tag for tag in scrollers)
