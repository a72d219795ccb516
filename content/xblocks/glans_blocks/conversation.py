"""Conversation scenario: a branching conversation with a parent. Every choice gets feedback
grounded in the GLANS letters and points (0–2); reaching an end publishes a grade.

OLX::

    <glans-conversation display_name="…">
      <intro>…</intro>
      <step id="start" speaker="Moeder van een leerling">
        <says>…</says>
        <choice points="2" letter="G" next="tweede"><text>…</text><feedback>…</feedback></choice>
        <choice points="0" letter="N"><text>…</text><feedback>…</feedback></choice>
      </step>
      <step id="tweede">…</step>
    </glans-conversation>

A choice's `next` names a later step; without it the conversation ends there.

Attempt policy: the first completed conversation is graded; the learner may practise again
as often as they like, but later attempts are never graded (otherwise restarting until
every choice is known would always reach 100). The browser gets only the feedback (and
letter) of the option it chose, never the points of any choice; the score is shown at the
end.
"""

from __future__ import annotations

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Boolean, Float, List, Scope, String

from .base import GlansBlockMixin, OlxContentError, child_text

LETTERS = {"G", "L", "A", "N", "S"}
MAX_STEPS = 30
MAX_CHOICES = 5


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class ConversationBlock(GlansBlockMixin, XBlock):
    display_name = String(default="Gespreksscenario", scope=Scope.settings)
    intro = String(default="", scope=Scope.content)
    steps = List(default=[], scope=Scope.content)

    path = List(default=[], scope=Scope.user_state)  # [[step id, choice index], …]
    finished = Boolean(default=False, scope=Scope.user_state)
    best_score = Float(default=None, scope=Scope.user_state)  # before the attempt policy
    graded_score = Float(default=None, scope=Scope.user_state)  # the first completed attempt

    has_score = True
    js_file = "conversation.js"
    js_init = "GlansConversation"

    # --- authoring -------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        if node.get("display_name"):
            block.display_name = node.get("display_name")[:200]
        block.intro = child_text(node, "intro")
        steps = []
        for element in node.findall("step"):
            step_id = (element.get("id") or "").strip()
            if not step_id:
                raise OlxContentError("Elke <step> heeft een id nodig.")
            choices = []
            for choice in element.findall("choice"):
                letter = (choice.get("letter") or "").strip().upper()
                if letter and letter not in LETTERS:
                    raise OlxContentError(f"Onbekende letter {letter!r}: gebruik G, L, A, N of S.")
                points = _int(choice.get("points"), -1)
                if not 0 <= points <= 2:
                    raise OlxContentError("points moet 0, 1 of 2 zijn.")
                choices.append(
                    {
                        "text": child_text(choice, "text", required=True, max_length=600),
                        "feedback": child_text(choice, "feedback", required=True),
                        "letter": letter,
                        "points": points,
                        "next": (choice.get("next") or "").strip(),
                    }
                )
            if not 2 <= len(choices) <= MAX_CHOICES:
                raise OlxContentError(f"Stap {step_id!r} heeft 2 tot {MAX_CHOICES} keuzes nodig.")
            steps.append(
                {
                    "id": step_id,
                    "speaker": (element.get("speaker") or "Ouder")[:100],
                    "says": child_text(element, "says", required=True),
                    "choices": choices,
                }
            )
        if not 1 <= len(steps) <= MAX_STEPS:
            raise OlxContentError(f"Een scenario heeft 1 tot {MAX_STEPS} stappen (<step>).")
        position = {step["id"]: index for index, step in enumerate(steps)}
        if len(position) != len(steps):
            raise OlxContentError("Twee stappen hebben hetzelfde id.")
        for index, step in enumerate(steps):
            for choice in step["choices"]:
                target = choice["next"]
                if target and position.get(target, -1) <= index:
                    raise OlxContentError(
                        f"Keuze in stap {step['id']!r} verwijst naar {target!r}: "
                        "dat moet een latere stap zijn."
                    )
        block.steps = steps
        return block

    # --- logic -----------------------------------------------------------------------

    def _step(self, step_id):
        return next((step for step in self.steps if step["id"] == step_id), None)

    def _max_points(self, step_id=None, memo=None) -> int:
        """The most points any path from this step can earn (steps form a DAG)."""
        memo = {} if memo is None else memo
        step = self._step(step_id or self.steps[0]["id"])
        if step["id"] not in memo:
            memo[step["id"]] = max(
                choice["points"] + (self._max_points(choice["next"], memo) if choice["next"] else 0)
                for choice in step["choices"]
            )
        return memo[step["id"]]

    def _current_step(self):
        if self.finished:
            return None
        if not self.path:
            return self.steps[0]
        step_id, index = self.path[-1]
        step = self._step(step_id)
        return self._step(step["choices"][index]["next"])

    def _points(self) -> int:
        return sum(self._step(step_id)["choices"][index]["points"] for step_id, index in self.path)

    @staticmethod
    def _public_step(step):
        if step is None:
            return None
        return {
            "id": step["id"],
            "speaker": step["speaker"],
            "says": step["says"],
            "choices": [choice["text"] for choice in step["choices"]],
        }

    def _history(self):
        history = []
        for step_id, index in self.path:
            step = self._step(step_id)
            choice = step["choices"][index]
            history.append(
                {
                    "speaker": step["speaker"],
                    "says": step["says"],
                    "answer": choice["text"],
                    "feedback": choice["feedback"],
                    "letter": choice["letter"],
                }
            )
        return history

    def _counted_score(self):
        score = self.graded_score if self.graded_score is not None else self.best_score
        return None if score is None else round(score * 100)

    def student_view(self, context=None):
        return self.fragment(
            "glans_content/xblocks/conversation.html",
            {
                "block": self,
                "history": self._history(),
                "step": self._public_step(self._current_step()),
                "finished": self.finished,
                "score": self._counted_score(),
            },
            {"finished": self.finished},
        )

    @XBlock.json_handler
    def choose(self, data, suffix=""):
        step = self._current_step()
        if step is None:
            raise JsonHandlerError(
                409, "Dit gesprek is afgelopen. Begin opnieuw om het nog eens te oefenen."
            )
        if not isinstance(data, dict) or data.get("step") != step["id"]:
            raise JsonHandlerError(409, "Deze stap is niet meer aan de beurt. Vernieuw de pagina.")
        index = data.get("choice")
        if (
            not isinstance(index, int)
            or isinstance(index, bool)
            or not 0 <= index < len(step["choices"])
        ):
            raise JsonHandlerError(400, "Kies een van de antwoorden.")
        self.path = [*self.path, [step["id"], index]]
        choice = step["choices"][index]
        result = {
            "feedback": choice["feedback"],
            "letter": choice["letter"],
            "answer": choice["text"],
            "said": {"speaker": step["speaker"], "says": step["says"]},
        }
        if not choice["next"]:
            self.finished = True
            maximum = self._max_points()
            points = self._points()
            score = points / maximum if maximum else 1.0
            first = self.graded_score is None and self.best_score is None
            if first:
                # The first completed attempt is the one that counts.
                self.graded_score = score
                self.runtime.publish(self, "grade", {"value": points, "max_value": maximum})
            result["score"] = round(score * 100)
            result["graded_score"] = self._counted_score()
            result["practice"] = not first
        result["finished"] = self.finished
        result["step"] = self._public_step(self._current_step())
        return result

    @XBlock.json_handler
    def restart(self, data, suffix=""):
        self.path = []
        self.finished = False
        return {"step": self._public_step(self._current_step()), "finished": False}
