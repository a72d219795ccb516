"""The link in an invitation to join a unit: the invited person, logged in as the invited
account, accepts or declines (GET only shows the question: mail scanners open links)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services


@login_required
@require_http_methods(["GET", "POST"])
def join(request, token):
    try:
        invitation = services.join_invitation_check(token=token, user=request.user)
    except ValidationError as exc:
        return render(
            request, "glans_organisations/join.html", {"error": exc.messages[0]}, status=400
        )
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                services.join_accept(token=token, user=request.user)
                messages.success(
                    request, _("Je hoort nu bij %(unit)s.") % {"unit": invitation.unit or ""}
                )
            else:
                services.join_decline(token=token, user=request.user)
                messages.info(
                    request, _("Je hebt de uitnodiging afgewezen. Er is niets veranderd.")
                )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        return redirect("glans_accounts:landing")
    return render(request, "glans_organisations/join.html", {"invitation": invitation})
