"""What GLANS's own blocks share: reading OLX child elements, rendering Django templates."""

from __future__ import annotations

from django.template.loader import render_to_string
from web_fragments.fragment import Fragment
from xblock.core import XBlock


class OlxContentError(ValueError):
    """The OLX does not describe a valid exercise (message in Dutch)."""


def child_text(node, tag: str, *, required: bool = False, max_length: int = 4000) -> str:
    element = node.find(tag)
    text = " ".join((element.text or "").split()) if element is not None else ""
    if required and not text:
        raise OlxContentError(f"<{tag}> ontbreekt of is leeg.")
    if len(text) > max_length:
        raise OlxContentError(f"<{tag}> is te lang (maximaal {max_length} tekens).")
    return text


class GlansBlockMixin:
    """Fragments from the content app's templates (autoescaped) plus a public JS file."""

    js_file = ""
    js_init = ""

    def fragment(self, template: str, context: dict, init_args: dict) -> Fragment:
        fragment = Fragment(render_to_string(template, context))
        fragment.add_javascript_url(self.runtime.local_resource_url(self, f"public/{self.js_file}"))
        fragment.initialize_js(self.js_init, init_args)
        return fragment


__all__ = ["GlansBlockMixin", "OlxContentError", "XBlock", "child_text"]
