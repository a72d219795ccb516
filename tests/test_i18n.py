"""Dutch first, English second: both catalogues are complete, and the site answers in the
language asked for."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(
    [
        *ROOT.glob("*/locale/*/LC_MESSAGES/django.po"),
    ]
)
# Our Dutch for the community XBlocks we ship (msgids are the blocks' English).
BLOCK_CATALOGUES = sorted(ROOT.glob("content/xblocks/locale/*/LC_MESSAGES/*.po"))


def entries(path):
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, flags=re.M)
        fuzzy = re.search(r"^#,.*fuzzy", block, flags=re.M) is not None
        yield (
            block,
            [first + "".join(re.findall(r'"(.*)"', rest)) for first, rest in msgstrs],
            fuzzy,
        )


@pytest.mark.parametrize(
    "path", CATALOGUES + BLOCK_CATALOGUES, ids=lambda p: str(p.relative_to(ROOT))
)
def test_catalogue_is_complete(path):
    missing = [
        block.splitlines()[-2]
        for block, strings, fuzzy in entries(path)
        if fuzzy or not all(strings)
    ]
    assert not missing, f"{path}: untranslated or fuzzy: {missing[:5]}"


@pytest.mark.parametrize("path", [p for p in CATALOGUES if p.parts[-3] == "nl"], ids=str)
def test_dutch_catalogue_repeats_every_message(path):
    """Dutch is the source language: a Dutch 'translation' that differs from its message is a
    mistake (for instance a fuzzy match that slipped through)."""
    wrong = []
    for block, strings, _fuzzy in entries(path):
        ids = re.findall(r'^msgid(?:_plural)? "(.*)"((?:\n".*")*)', block, flags=re.M)
        ids = [first + "".join(re.findall(r'"(.*)"', rest)) for first, rest in ids]
        if ids and ids[0] and set(strings) - set(ids):
            wrong.append((ids[0], strings))
    assert not wrong, wrong[:5]


def test_both_languages_exist_for_every_app():
    apps = {p.parts[-5] for p in CATALOGUES}
    for app in apps:
        assert {p.parts[-3] for p in CATALOGUES if p.parts[-5] == app} == {"nl", "en"}, app


def test_dutch_is_default_and_english_translates(settings):
    assert settings.LANGUAGE_CODE == "nl"
    with translation.override("en"):
        assert translation.gettext("Mijn leerroute") == "My learning path"
        assert translation.gettext("Niet gevonden.") == "Not found."


@pytest.mark.django_db
def test_pages_follow_the_browser_language(client):
    assert 'lang="nl"' in client.get("/accounts/login/").content.decode()
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in html and "Log in" in html


@pytest.mark.parametrize("path", BLOCK_CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_block_catalogues_are_compiled(path):
    import gettext

    compiled = gettext.GNUTranslations(path.with_suffix(".mo").open("rb"))
    msgids = re.findall(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), flags=re.M)
    assert msgids
    for msgid in msgids:
        msgid = msgid.replace('\\"', '"')
        assert msgid in compiled._catalog or (msgid, 0) in compiled._catalog, msgid


def _check_catalogues():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "check_catalogues", ROOT / "scripts" / "check_catalogues.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_committed_catalogue_is_compiled_from_its_po():
    """What `make check` runs before the tests: a .mo behind its .po (the measurement
    catalogues missed 45 English texts) ships stale translations in a wheel."""
    assert _check_catalogues().main() == 0


def test_a_stale_catalogue_is_reported(tmp_path, capsys):
    import shutil
    import subprocess

    folder = tmp_path / "app" / "locale" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    shutil.copy(ROOT / "measurement/locale/en/LC_MESSAGES/django.po", po)
    subprocess.run(["msgfmt", "-o", str(folder / "django.mo"), str(po)], check=True)
    check = _check_catalogues()
    assert check.main(tmp_path) == 0
    # A translation changed in the .po after compiling: the .mo is stale.
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "', 'msgstr "X', 3), encoding="utf-8")
    assert check.main(tmp_path) == 1
    assert "app/locale/en/LC_MESSAGES/django.po" in capsys.readouterr().err
    (folder / "django.mo").unlink()
    assert check.main(tmp_path) == 1
