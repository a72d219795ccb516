"""Logging in with the username or the e-mail address, both case-insensitively. New staff
never chose their generated username; their address is what they know.

`canonical_username` is the one mapping from what was typed to the account's username. The
login backend and django-axes (AXES_USERNAME_CALLABLE) both use it, so trying the address
and the username draws on one failure budget and locks the account's own key, not a second
one per spelling."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.module_loading import import_string


def _account_for(typed: str):
    User = get_user_model()
    typed = (typed or "").strip()
    if not typed:
        return None
    exact = User._default_manager.filter(**{User.USERNAME_FIELD: typed}).first()
    if exact is not None:
        return exact
    matches = list(User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": typed})[:2])
    if len(matches) == 1:
        return matches[0]
    if "@" in typed:
        matches = list(User._default_manager.filter(email__iexact=typed)[:2])
        if len(matches) == 1:  # addresses are unique case-insensitively; be safe anyway
            return matches[0]
    return None


def canonical_username(typed: str) -> str:
    """The username of the account `typed` (a username or an e-mail address, any case)
    stands for; for no account, the typed text in lower case (so spellings still share one
    budget)."""
    user = _account_for(typed)
    if user is not None:
        return user.get_username()
    return (typed or "").strip().lower()


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: lockouts keyed on the account, however it was typed."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "data", request.POST).get(field) if request else None
    return canonical_username(typed or "")


class UsernameOrEmailBackend(ModelBackend):
    """ModelBackend that finds the account by username or e-mail address (any case)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = _account_for(username)
        if user is None:
            get_user_model()().set_password(password)  # same time as for a real account
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def password_backend() -> str:
    """The site's password backend (ours, or Django's ModelBackend in a host without it): what
    `login()` records for a person signed in by a link or a launch rather than a password."""
    for path in settings.AUTHENTICATION_BACKENDS:
        if issubclass(import_string(path), ModelBackend):
            return path
    return "django.contrib.auth.backends.ModelBackend"
