from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jobs import accounts, health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("jobs.account_urls")),
    # The admin's own copy of the password change form would check the old password without the lockout.
    path("admin/password_change/", accounts.PasswordChangeView.as_view()),
    path("admin/", admin.site.urls),
    # The language switch works before logging in too (the login page has it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", include("jobs.api_urls")),
    path("", include("jobs.urls")),
]

# Every answer under /api/ is JSON, Django's own failures included.
handler400 = "jobs.api.bad_request"
handler500 = "jobs.api.server_error"
