"""Two-factor pages: set up TOTP (QR code as inline SVG, no external service), verify a code
before the admin, show backup codes once, remove it again from the profile."""

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .middleware import requires_two_factor
from .pdf import qr_svg


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("De code uit je authenticator-app, of een van je reservecodes."),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("glans_accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Verify a code (when set up) or set up TOTP (when not)."""
    from django_otp import login as otp_login  # noqa: PLC0415 - django_otp only with the app installed
    from django_otp import match_token  # noqa: PLC0415 - django_otp only with the app installed

    user = request.user
    next_url = _next_url(request)
    form = TokenForm(request.POST or None)
    # Any factor the account already has (an app, or only backup codes) must be used before
    # a new one can be set up: a password alone never enrols an authenticator or replaces
    # the owner's backup codes (issue #23).
    has_factor = services.two_factor_has_device(user=user)
    if services.two_factor_enabled(user=user) or (has_factor and not user.is_verified()):
        if request.method == "POST" and form.is_valid():
            device = match_token(user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            form.add_error("token", _("Deze code klopt niet. Probeer het opnieuw."))
        return render(
            request, "glans_core/two_factor_verify.html", {"form": form, "next": next_url}
        )

    device = services.two_factor_pending_device(user=user)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_confirm(user=user, token=form.cleaned_data["token"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            return render(
                request,
                "glans_core/two_factor_backup_codes.html",
                {"codes": codes, "next": next_url},
            )
        # A backup code (e.g. the printed demo codes) gets past the check without setting
        # up an app now; the next visit asks again.
        backup = match_token(user, form.cleaned_data["token"])
        if backup is not None:
            otp_login(request, backup)
            return redirect(next_url)
        form.add_error("token", _("Deze code klopt niet. Controleer de tijd op je telefoon."))
    return render(
        request,
        "glans_core/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": mark_safe(qr_svg(device.config_url)),  # noqa: S308 - our own SVG
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "required": requires_two_factor(user),
        },
    )


@login_required
@require_POST
def two_factor_remove(request):
    from django_otp import match_token  # noqa: PLC0415 - django_otp only with the app installed

    form = TokenForm(request.POST)
    if form.is_valid() and match_token(request.user, form.cleaned_data["token"]) is not None:
        services.two_factor_remove(user=request.user)
        messages.success(request, _("Tweestapsverificatie is uitgeschakeld."))
    else:
        messages.error(request, _("Deze code klopt niet; tweestapsverificatie staat nog aan."))
    return redirect("glans_accounts:profile")


@login_required
@require_POST
def two_factor_backup_codes(request):
    from django_otp import match_token  # noqa: PLC0415 - django_otp only with the app installed

    form = TokenForm(request.POST)
    if form.is_valid() and match_token(request.user, form.cleaned_data["token"]) is not None:
        codes = services.two_factor_new_backup_codes(user=request.user)
        return render(
            request,
            "glans_core/two_factor_backup_codes.html",
            {"codes": codes, "next": reverse("glans_accounts:profile")},
        )
    messages.error(request, _("Deze code klopt niet; je reservecodes zijn niet vernieuwd."))
    return redirect("glans_accounts:profile")
