from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password_change_done",
    ),
    path("two-step/", views.two_step, name="two_step"),
    path("two-step/verify/", views.two_step_verify, name="two_step_verify"),
    path("two-step/set-up/", views.two_step_enrol, name="two_step_enrol"),
    path("two-step/set-up/qr.svg", views.two_step_qr, name="two_step_qr"),
    path("two-step/backup-codes/", views.two_step_backup_codes, name="two_step_backup_codes"),
    path("two-step/backup-codes/new/", views.two_step_backup_renew, name="two_step_backup_renew"),
    path("two-step/off/", views.two_step_turn_off, name="two_step_off"),
    path("sessions/end-all/", views.sessions_end_everywhere, name="sessions_end_everywhere"),
    path("staff/<int:pk>/two-step/reset/", views.two_step_reset, name="two_step_reset"),
]
