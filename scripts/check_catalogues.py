#!/usr/bin/env python
"""Check that every committed translation catalogue (.mo) holds what its .po says.

The .mo files are committed, so a wheel or a clone used without `make` serves them as they
are; a .po edited without compiling would ship stale translations. Each .po is compiled to a
temporary file with msgfmt and its messages compared with the committed .mo's. Runs in
`make check` before compilemessages (which would otherwise hide a stale file). Exit 1 and a
list of stale catalogues when any differ; `make messages` fixes them."""

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "build", "var", "node_modules", ".cache"}


def catalogues(root: Path):
    for po in sorted(root.rglob("*.po")):
        parts = po.relative_to(root).parts
        if SKIP.intersection(parts) or "LC_MESSAGES" not in parts:
            continue
        yield po


def messages(mo: Path) -> dict:
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    return {key: value for key, value in catalog.items() if key != ""}  # "" = the header


def main(root: Path = ROOT) -> int:
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for po in catalogues(root):
            fresh = Path(tmp) / "fresh.mo"
            # Our own catalogues, compiled by gettext's msgfmt (as Django's compilemessages).
            command = ["msgfmt", "--check-format", "-o", str(fresh), str(po)]
            subprocess.run(command, check=True)  # noqa: S603, S607
            mo = po.with_suffix(".mo")
            if not mo.exists() or messages(mo) != messages(fresh):
                stale.append(str(po.relative_to(root)))
    for path in stale:
        print(f"stale or missing .mo for {path}: run `make messages`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
