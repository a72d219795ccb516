"""Front-end account pages: profile and personal API tokens."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, _unicode_ci_compare
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from . import invitations, services
from .auth_backends import password_backend
from .login_options import login_options, logout_options, password_login_allowed
from .middleware import requires_two_factor
from .navigation import PROFILE_SECTIONS_HOOK, landing_url_for
from .two_factor_views import TokenForm as TwoFactorTokenForm


class LoginForm(AuthenticationForm):
    """Username or e-mail address (any case): see auth_backends.py."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("Gebruikersnaam of e-mailadres")
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise forms.ValidationError(
                _(
                    "Je school laat inloggen met een wachtwoord niet toe. Gebruik de knop "
                    "'Inloggen met …' van je school."
                ),
                code="password_login_off",
            )


class LoginView(auth_views.LoginView):
    """Django's login, plus other ways in (single sign-on buttons from the `sso` app through
    core.login_options): first when the school is known, and without the password form when
    that school switched it off."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_options"] = login_options(
            self.request, next_url=self.get_redirect_url() or self.request.GET.get("next", "")
        )
        return context


class LogoutView(auth_views.LogoutView):
    """Django's logout; the logged-out page also offers logging out at the provider the
    session came from (single logout), when there is one."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        links = logout_options(request)
        if not links:
            return response
        # Instead of the usual redirect: the logged-out page, with the provider's logout.
        return self.render_to_response({**self.get_context_data(), "logout_links": links})


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Achternaam"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mailadres"))


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Naam van de sleutel"),
        max_length=100,
        help_text=gettext_lazy("Bijvoorbeeld de naam van de koppeling die de sleutel gebruikt."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    profile_form = ProfileForm(
        initial={"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    )
    token_form = TokenForm()
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "profile":
            profile_form = ProfileForm(request.POST)
            if profile_form.is_valid():
                data = profile_form.cleaned_data
                services.profile_name_set(
                    user=user, first_name=data["first_name"], last_name=data["last_name"]
                )
                messages.success(request, _("Je gegevens zijn opgeslagen."))
                if data["email"].strip().lower() != (user.email or "").lower():
                    # The address changes only once the link sent to it has been used.
                    services.email_change_request(
                        user=user,
                        new_email=data["email"],
                        confirm_url_for=lambda token: request.build_absolute_uri(
                            reverse("glans_accounts:email_change_confirm", args=[token])
                        ),
                    )
                    messages.info(
                        request,
                        _(
                            "We hebben een bevestigingslink gestuurd naar %(email)s. Je "
                            "e-mailadres verandert pas als je die link gebruikt."
                        )
                        % {"email": data["email"]},
                    )
                return redirect("glans_accounts:profile")
        elif action == "create_token":
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                try:
                    _token, new_key = services.api_token_create(
                        user=user,
                        name=token_form.cleaned_data["name"],
                        verified=bool(getattr(user, "is_verified", lambda: False)()),
                    )
                except PermissionDenied as exc:
                    messages.error(request, str(exc))
                token_form = TokenForm()
        elif action == "revoke_token":
            try:
                token_id = int(request.POST.get("token_id", ""))
            except ValueError:
                token_id = 0
            if services.api_token_revoke(user=user, token_id=token_id):
                messages.success(request, _("De API-sleutel is ingetrokken."))
            else:
                messages.error(request, _("Deze API-sleutel bestaat niet (meer)."))
            return redirect("glans_accounts:profile")
        else:
            messages.error(request, _("Onbekende actie."))
    return render(
        request,
        "glans_core/profile.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "new_key": new_key,
            "tokens": user.glans_api_tokens.filter(revoked_at__isnull=True),
            "two_factor_available": services.two_factor_available(),
            "two_factor_enabled": services.two_factor_enabled(user=user),
            "two_factor_form": TwoFactorTokenForm(),
            "sections": [
                html for hook in hooks.get_hooks(PROFILE_SECTIONS_HOOK) if (html := hook(request))
            ],
        },
    )


@csrf_exempt  # it changes nothing; a client with an API key gets JSON, not a CSRF page
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("Niet gevonden.")}, status=404)


@login_required
def landing(request):
    """Where a login without `next` ends: each role's own starting page. A role that must
    use two factors first verifies one (its starting page needs it), then comes back here."""
    if requires_two_factor(request.user) and not request.user.is_verified():
        return redirect(
            reverse("glans_accounts:two_factor")
            + "?"
            + urlencode({"next": reverse("glans_accounts:landing")})
        )
    return redirect(landing_url_for(request.user) or "glans_accounts:profile")


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link from an invitation e-mail: choose a password, then you are logged in. GET
    only shows the form (mail scanners may open links); an expired or used link says how to
    get a new one."""
    try:
        user = invitations.invitation_check(token=token)
    except invitations.InvitationError as exc:
        return render(request, "glans_core/invitation.html", {"error": str(exc)}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except invitations.InvitationError as exc:
            return render(request, "glans_core/invitation.html", {"error": str(exc)}, status=400)
        login(request, user, backend=password_backend())
        messages.success(request, _("Je wachtwoord is opgeslagen. Welkom bij GLANS!"))
        return redirect("glans_accounts:landing")
    return render(
        request,
        "glans_core/invitation.html",
        {"form": form, "invited": user, "login_options": login_options(request, user=user)},
    )


class PasswordResetForm(DjangoPasswordResetForm):
    """Password reset for everyone active with this address, deliberately including people
    who never set a password (added by a staff list or the admin): for them the reset link
    is how they get in when their invitation is lost or expired. Django's own form skips
    them."""

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        return (
            user
            for user in User._default_manager.filter(
                **{f"{email_field}__iexact": email, "is_active": True}
            )
            if _email_matches(email, getattr(user, email_field))
        )


def _email_matches(a: str, b: str) -> bool:
    return _unicode_ci_compare(a, b)


@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token):
    """The link from the confirmation e-mail: GET asks (mail scanners may open links), POST
    changes the address."""
    try:
        _user, new_email = services.email_change_check(token=token)
    except services.EmailChangeError as exc:
        return render(
            request, "glans_core/email_change_confirm.html", {"error": str(exc)}, status=400
        )
    if request.method == "POST":
        try:
            services.email_change_confirm(token=token)
        except services.EmailChangeError as exc:
            return render(
                request, "glans_core/email_change_confirm.html", {"error": str(exc)}, status=400
            )
        messages.success(request, _("Je e-mailadres is gewijzigd."))
        return redirect("glans_accounts:profile" if request.user.is_authenticated else "/")
    return render(request, "glans_core/email_change_confirm.html", {"new_email": new_email})


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username + address is locked out: the login page with a
    clear Dutch message (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "glans_core/registration/login.html",
        {
            "form": AuthenticationForm(request),
            "login_options": login_options(request),
            "locked_out": _(
                "Je kunt tijdelijk niet inloggen: er is te vaak een verkeerd wachtwoord "
                "gebruikt. Probeer het over %(minutes)s minuten opnieuw, of vraag de "
                "beheerder van het platform om de blokkade op te heffen."
            )
            % {"minutes": minutes},
        },
        status=429,
    )
