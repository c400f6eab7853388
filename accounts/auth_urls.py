"""/accounts/: Django's account pages. Password reset exists only where the site can send mail (EMAIL_URL)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from . import passwords, sessions

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", sessions.LogoutView.as_view(), name="logout"),
    path("password_change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

if settings.PASSWORD_RESET_BY_EMAIL:
    urlpatterns += [
        path("password_reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
        path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
        path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
        path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    ]
