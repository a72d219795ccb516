"""Locust users for bench/load.py (not run on its own: load.py builds the site, starts
gunicorn and passes GLANS_LOAD_CONFIG and GLANS_LOAD_SCENARIO).

Scenarios:
- plain / lesson: logged-in learners open the plain page (same depth, same login
  restriction) or a lesson page as fast as they can, for throughput and latency side by side;
- journey: a learner logs in through the form, opens their route, a lesson, answers its
  reflection, and opens the programme page (their progress); directors open the team
  dashboard too.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, constant, task

CONFIG = json.loads(Path(os.environ["GLANS_LOAD_CONFIG"]).read_text())
SCENARIO = os.environ["GLANS_LOAD_SCENARIO"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SPAWNED = itertools.count()


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        if SCENARIO == "journey":
            # Every fourth user is a director (so the team dashboard is always in the mix).
            directors = [a for a in CONFIG["accounts"] if a["director"]]
            learners = [a for a in CONFIG["accounts"] if not a["director"]]
            number = next(SPAWNED)
            self.account = (
                directors[number // 4 % len(directors)]
                if number % 4 == 0
                else learners[number % len(learners)]
            )
            page = self.client.get("/accounts/login/", name="login form")
            token = CSRF.search(page.text).group(1)
            self.client.post(
                "/accounts/login/",
                {
                    "csrfmiddlewaretoken": token,
                    "username": self.account["username"],
                    "password": CONFIG["password"],
                },
                headers={"Referer": f"{self.host}/accounts/login/"},
                name="login",
            )
        else:
            self.client.cookies.set("sessionid", random.choice(CONFIG["sessions"]))

    @task
    def visit(self):
        if SCENARIO == "plain":
            self.client.get(CONFIG["plain"], name="plain page")
        elif SCENARIO == "lesson":
            self.client.get(random.choice(CONFIG["lessons"]), name="lesson page")
        else:
            self.journey()

    def journey(self):
        self.client.get("/leren/mijn-leerroute/", name="my route")
        lesson = random.choice(CONFIG["lessons"])
        page = self.client.get(lesson, name="lesson page")
        token = self.client.cookies.get("csrftoken") or ""
        answer = CONFIG["answers"].get(lesson)
        if answer:
            self.client.post(
                answer,
                {"csrfmiddlewaretoken": token, "answer": "Wat ik meeneem."},
                headers={"Referer": f"{self.host}{lesson}", "X-CSRFToken": token},
                name="answer",
                allow_redirects=False,
            )
        del page
        self.client.get(CONFIG["programme"], name="programme page")
        self.client.get(CONFIG["plain"], name="plain page")
        if self.account["director"]:
            self.client.get("/leren/team/", name="team dashboard")
