#!/usr/bin/env python
"""Benchmark: a lesson's body as the lesson page renders it (the lesson_body tag, which keeps
the blocks that are the same for every visitor), against `{% include_block %}` for every block
(the baseline, what the page did before), over the shipped course material, in one run.

bench/run.py's lessons have one text block and two activities; the course material's have a
median of 14 blocks (text, headings, tips, practice examples, activities, exercises). Every
lesson is loaded from the database for each render, as a request does, and rendered for a
logged-in visitor; both ways must give the same HTML (but for the CSRF token).

Usage: python bench/lesson_body.py [--renders N]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30, help="renders of each lesson each way")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="glans-bench-body-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.test"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["GLANS_VAR_DIR"] = str(workdir)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_course_material", verbosity=0)

    from django.contrib.auth import get_user_model
    from django.template import Context, Template
    from django.test import RequestFactory

    from glans_learning.courses.models import LessonPage

    baseline = Template(
        "{% load wagtailcore_tags %}"
        "{% for block in page.body %}{% include_block block %}{% endfor %}"
    )
    kept = Template("{% load glans_courses %}{% lesson_body page %}")
    user = get_user_model().objects.create_user("lezer")
    token = re.compile(r'(csrfmiddlewaretoken" value|data-csrf)="[^"]+"')

    def render(template, pk):
        request = RequestFactory().get("/")
        request.user = user
        page = LessonPage.objects.get(pk=pk)  # loaded as a request loads it, body unconverted
        start = time.perf_counter()
        html = template.render(Context({"page": page, "request": request}))
        return time.perf_counter() - start, token.sub("", html)

    lessons = list(LessonPage.objects.live().order_by("path").values_list("pk", "title"))
    blocks = sorted(len(page.body) for page in LessonPage.objects.live())
    old_ms, new_ms = [], []
    for pk, title in lessons:
        _seconds, expected = render(baseline, pk)
        _seconds, first = render(kept, pk)  # the first view keeps the static blocks
        if first != expected:
            print(f"different HTML: {title}")
            return 1
        olds, news = [], []
        for _ in range(args.renders):  # interleaved, so that noise hits both alike
            seconds, _html = render(baseline, pk)
            olds.append(seconds)
            seconds, html = render(kept, pk)
            news.append(seconds)
            if html != expected:
                print(f"different HTML: {title}")
                return 1
        old_ms.append(statistics.median(olds) * 1000)
        new_ms.append(statistics.median(news) * 1000)
    old, new = statistics.mean(old_ms), statistics.mean(new_ms)
    print(
        f"{len(lessons)} lessons of the course material, median {blocks[len(blocks) // 2]} "
        f"blocks; {args.renders} renders each way; same HTML"
    )
    print(f"include_block (baseline): {old:.3f} ms per lesson body (mean of the medians)")
    print(f"lesson_body:              {new:.3f} ms ({new / old:.2f}x the baseline)")
    heaviest = max(range(len(lessons)), key=lambda i: old_ms[i])
    print(
        f"heaviest lesson ({lessons[heaviest][1]}): {old_ms[heaviest]:.3f} -> "
        f"{new_ms[heaviest]:.3f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
