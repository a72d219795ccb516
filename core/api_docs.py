"""`/api/v1/docs`: Swagger UI from the plugin's own static files (vendored swagger-ui-dist),
so the page works offline and loads nothing from another host, whether or not the host has
`ninja` in INSTALLED_APPS (without it, django-ninja would load Swagger from a CDN)."""

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class GlansSwagger(Swagger):
    template = "glans_core/api_docs.html"
    # Without deep links the operation and tag headers hold no link inside their button
    # (axe: nested-interactive, issue #25).
    default_settings = {**Swagger.default_settings, "deepLinking": False}

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1).replace("</", "<\\/"),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)
