"""Appreciation practice (the 3-to-1 rule): for a case, the learner writes at least three
appreciative messages to a parent and reflects on them. Completion-based.

OLX::

    <glans-appreciation display_name="…" min_messages="3">
      <case>…</case>
      <reflection>…</reflection>
    </glans-appreciation>
"""

from __future__ import annotations

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Boolean, Integer, List, Scope, String

from .base import GlansBlockMixin, OlxContentError, child_text

MAX_MESSAGES = 10
MAX_MESSAGE_LENGTH = 1000
MAX_REFLECTION_LENGTH = 5000


class AppreciationBlock(GlansBlockMixin, XBlock):
    has_custom_completion = True  # publishes "completion" once enough messages are written
    display_name = String(default="Drie-op-één-oefening", scope=Scope.settings)
    case = String(default="", scope=Scope.content)
    reflection_question = String(default="", scope=Scope.content)
    min_messages = Integer(default=3, scope=Scope.settings)

    messages = List(default=[], scope=Scope.user_state)
    reflection = String(default="", scope=Scope.user_state)
    submitted = Boolean(default=False, scope=Scope.user_state)

    js_file = "appreciation.js"
    js_init = "GlansAppreciation"

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        if node.get("display_name"):
            block.display_name = node.get("display_name")[:200]
        try:
            minimum = int(node.get("min_messages", "3"))
        except ValueError:
            minimum = 0
        if not 1 <= minimum <= MAX_MESSAGES:
            raise OlxContentError(f"min_messages moet tussen 1 en {MAX_MESSAGES} liggen.")
        block.min_messages = minimum
        block.case = child_text(node, "case", required=True)
        block.reflection_question = child_text(node, "reflection", required=True)
        return block

    def student_view(self, context=None):
        slots = max(self.min_messages, len(self.messages))
        return self.fragment(
            "glans_content/xblocks/appreciation.html",
            {
                "block": self,
                "slots": [self.messages[i] if i < len(self.messages) else "" for i in range(slots)],
                "max_length": MAX_MESSAGE_LENGTH,
            },
            {"minMessages": self.min_messages, "maxMessages": MAX_MESSAGES},
        )

    @XBlock.json_handler
    def submit(self, data, suffix=""):
        if not isinstance(data, dict):
            raise JsonHandlerError(400, "Ongeldig verzoek.")
        raw = data.get("messages")
        if not isinstance(raw, list) or len(raw) > MAX_MESSAGES:
            raise JsonHandlerError(400, f"Schrijf hoogstens {MAX_MESSAGES} berichten.")
        messages = [" ".join(str(m).split()) for m in raw if isinstance(m, str) and m.strip()]
        if len(messages) < self.min_messages:
            raise JsonHandlerError(
                400, f"Schrijf minstens {self.min_messages} waarderende berichten."
            )
        if any(len(m) > MAX_MESSAGE_LENGTH for m in messages):
            raise JsonHandlerError(
                400, f"Een bericht is te lang (maximaal {MAX_MESSAGE_LENGTH} tekens)."
            )
        reflection = data.get("reflection")
        reflection = reflection.strip() if isinstance(reflection, str) else ""
        if not reflection:
            raise JsonHandlerError(400, "Beantwoord ook de reflectievraag.")
        if len(reflection) > MAX_REFLECTION_LENGTH:
            raise JsonHandlerError(400, "Je reflectie is te lang (maximaal 5.000 tekens).")
        self.messages = messages
        self.reflection = reflection
        self.submitted = True
        self.runtime.publish(self, "completion", {"completion": 1.0})
        return {"messages": messages, "reflection": reflection, "submitted": True}
