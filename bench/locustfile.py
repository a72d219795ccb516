"""Locust users for bench/load.py (not run on its own: load.py builds the site, starts
gunicorn and passes GLANS_LOAD_CONFIG and GLANS_LOAD_SCENARIO).

Scenarios:
- plain / lesson: logged-in learners open the plain page (same depth, same login
  restriction) or a lesson page as fast as they can, for throughput and latency side by side;
- journey: a learner logs in through the form, opens their route, a lesson, answers its
  reflection, and opens the programme page (their progress); directors open the team
  dashboard too;
- the measurement week, one request type per run (to compare each with the plain page):
  grid (teachers open their group's rating grid), rate (teachers save one rating of a
  family of their group through the API the grid uses: PUT with the session and the CSRF
  token, as grid.js does), school (the director opens the school's measurement dashboard);
- the auditor's day, one request type per run: worklist, application (an application's
  review page), overview (the certification overview of an applying school); the auditor's
  session has a verified second factor.

Every response is checked: a page must answer 200 itself (no redirect followed, so a 302 to
the login or the two-factor page fails, as does a 403 or 404) and contain the text it is
about; a saved rating must answer 200 with {"saved": 1}.
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
WEEK = {"grid", "rate"}
AUDIT = {"worklist", "application", "overview"}
VALUES = (("positive", ""), ("neutral", "make"), ("negative", "make"))


class Visitor(HttpUser):
    wait_time = constant(0)

    def get(self, path, name, text=None):
        """GET `path`; a success only when it answers 200 itself and contains `text`."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"{response.status_code} {where}".strip())
            elif text is not None and text not in response.text:
                response.failure(f"200 without {text!r}")
            else:
                response.success()
        return response

    def on_start(self):
        number = next(SPAWNED)
        if SCENARIO == "journey":
            # Every fourth user is a director (so the team dashboard is always in the mix).
            directors = [a for a in CONFIG["accounts"] if a["director"]]
            learners = [a for a in CONFIG["accounts"] if not a["director"]]
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
        elif SCENARIO in WEEK:
            # Each user a teacher of their own group (more users than teachers share them).
            self.teacher = CONFIG["teachers"][number % len(CONFIG["teachers"])]
            self.client.cookies.set("sessionid", self.teacher["session"])
            if SCENARIO == "rate":
                # The grid sets the CSRF cookie that grid.js sends back in X-CSRFToken.
                self.get(self.teacher["grid"], "rating grid (start)")
        elif SCENARIO == "school":
            self.client.cookies.set("sessionid", CONFIG["school"]["session"])
        elif SCENARIO in AUDIT:
            self.client.cookies.set("sessionid", CONFIG["auditor"]["session"])
        else:
            self.client.cookies.set("sessionid", random.choice(CONFIG["sessions"]))

    @task
    def visit(self):
        if SCENARIO == "plain":
            self.get(CONFIG["plain"], "plain page")
        elif SCENARIO == "lesson":
            self.get(random.choice(CONFIG["lessons"]), "lesson page")
        elif SCENARIO == "journey":
            self.journey()
        elif SCENARIO == "grid":
            self.get(self.teacher["grid"], "rating grid", f'data-url="{self.teacher["ratings"]}"')
        elif SCENARIO == "rate":
            self.rate()
        elif SCENARIO == "school":
            self.get(CONFIG["school"]["url"], "school measurement", CONFIG["school"]["text"])
        elif SCENARIO == "worklist":
            auditor = CONFIG["auditor"]
            self.get(auditor["worklist"], "auditor work list", auditor["applications"][0]["url"])
        elif SCENARIO == "application":
            page = random.choice(CONFIG["auditor"]["applications"])
            self.get(page["url"], "application review", page["text"])
        elif SCENARIO == "overview":
            page = random.choice(CONFIG["auditor"]["overviews"])
            self.get(page["url"], "certification overview", page["text"])
        else:
            raise ValueError(f"unknown scenario {SCENARIO!r}")

    def rate(self):
        """One keystroke in the grid: a rating of one family, saved at once. The same cell is
        saved again and again over a run (an upsert: one rating per family and moment)."""
        value, next_step = random.choice(VALUES)
        item = {
            "relationship": random.choice(self.teacher["codes"]),
            "group": self.teacher["group"],
            "rating": value,
            "next_step": next_step,
            "note": "",
            "impossible": False,
        }
        token = self.client.cookies.get("csrftoken") or ""
        with self.client.put(
            self.teacher["ratings"],
            data=json.dumps({"ratings": [item]}),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": token,
                "Referer": f"{self.host}{self.teacher['grid']}",
            },
            name="rating save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:120]}")
            elif response.json() != {"saved": 1}:
                response.failure(f"200 with {response.text[:120]}")
            else:
                response.success()

    def journey(self):
        self.get("/leren/mijn-leerroute/", "my route")
        lesson = random.choice(CONFIG["lessons"])
        self.get(lesson, "lesson page")
        token = self.client.cookies.get("csrftoken") or ""
        answer = CONFIG["answers"].get(lesson)
        if answer:
            with self.client.post(
                answer,
                {"csrfmiddlewaretoken": token, "answer": "Wat ik meeneem."},
                headers={"Referer": f"{self.host}{lesson}", "X-CSRFToken": token},
                name="answer",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                where = response.headers.get("Location", "")
                if response.status_code not in (200, 302) or re.search(
                    r"/accounts/|tweestaps", where
                ):
                    response.failure(f"{response.status_code} {where}".strip())
                else:
                    response.success()
        self.get(CONFIG["programme"], "programme page")
        self.get(CONFIG["plain"], "plain page")
        if self.account["director"]:
            self.get("/leren/team/", "team dashboard")
