from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import two_factor_views, views

app_name = "glans_accounts"

urlpatterns = [
    path(
        "login/",
        views.LoginView.as_view(
            template_name="glans_core/registration/login.html",
            authentication_form=views.LoginForm,
            redirect_authenticated_user=True,
            next_page=reverse_lazy("glans_accounts:landing"),
        ),
        name="login",
    ),
    path(
        "logout/",
        views.LogoutView.as_view(template_name="glans_core/registration/logged_out.html"),
        name="logout",
    ),
    path("start/", views.landing, name="landing"),
    path("profiel/", views.profile, name="profile"),
    path(
        "e-mailadres-bevestigen/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
    path("tweestaps/", two_factor_views.two_factor, name="two_factor"),
    path("tweestaps/uitschakelen/", two_factor_views.two_factor_remove, name="two_factor_remove"),
    path(
        "tweestaps/reservecodes/",
        two_factor_views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    # A signed-in user changes their password with the current one (no mail round trip).
    path(
        "wachtwoord-wijzigen/",
        auth_views.PasswordChangeView.as_view(
            template_name="glans_core/registration/password_change_form.html",
            success_url=reverse_lazy("glans_accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "wachtwoord-wijzigen/klaar/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="glans_core/registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(
            template_name="glans_core/registration/password_reset_form.html",
            form_class=views.PasswordResetForm,
            success_url=reverse_lazy("glans_accounts:password_reset_done"),
            email_template_name="glans_core/registration/glans_password_reset_email.txt",
            subject_template_name="glans_core/registration/glans_password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="glans_core/registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="glans_core/registration/password_reset_confirm.html",
            success_url=reverse_lazy("glans_accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="glans_core/registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
