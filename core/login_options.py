"""Other ways to log in than a password (single sign-on, the `sso` app) without core knowing
them: apps answer through Wagtail hooks.

- `glans_login_options`: `hook(request, *, user=None, next_url="")` returns None or a
  LoginOptions: buttons to show (first, when a school is known) and whether the password
  form stays (a school may switch it off).
- `glans_password_login_allowed`: `hook(user) -> bool`; any False refuses a password login
  for that account (its school logs in through its provider only).
- `glans_logout_options`: `hook(request) -> list of (label, url)`, links on the logged-out
  page (e.g. also logging out at the school's provider).
"""

from dataclasses import dataclass, field

from wagtail import hooks

LOGIN_OPTIONS_HOOK = "glans_login_options"
PASSWORD_LOGIN_ALLOWED_HOOK = "glans_password_login_allowed"  # noqa: S105 - a hook name
LOGOUT_OPTIONS_HOOK = "glans_logout_options"


@dataclass(frozen=True)
class LoginButton:
    label: str
    url: str


@dataclass(frozen=True)
class LoginOptions:
    buttons: tuple[LoginButton, ...] = ()
    school_known: bool = False  # the buttons are the school's: show them first
    password_login: bool = True
    note: str = ""
    extra: dict = field(default_factory=dict)


def login_options(request, *, user=None, next_url: str = "") -> LoginOptions:
    buttons: list[LoginButton] = []
    school_known, password, notes = False, True, []
    for hook in hooks.get_hooks(LOGIN_OPTIONS_HOOK):
        answer = hook(request, user=user, next_url=next_url)
        if not answer:
            continue
        buttons.extend(answer.buttons)
        school_known = school_known or answer.school_known
        password = password and answer.password_login
        if answer.note:
            notes.append(answer.note)
    return LoginOptions(
        buttons=tuple(buttons),
        school_known=school_known,
        password_login=password or not buttons,
        note=" ".join(notes),
    )


def password_login_allowed(user) -> bool:
    return all(hook(user) for hook in hooks.get_hooks(PASSWORD_LOGIN_ALLOWED_HOOK))


def logout_options(request) -> list[tuple[str, str]]:
    links = []
    for hook in hooks.get_hooks(LOGOUT_OPTIONS_HOOK):
        links.extend(hook(request) or [])
    return links
