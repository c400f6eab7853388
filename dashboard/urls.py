from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from accounts import passwords

urlpatterns = [
    path("accounts/", include("accounts.auth_urls")),
    # The admin's own copy of the password change form would check the old password without the lockout.
    path("admin/password_change/", passwords.PasswordChangeView.as_view()),
    # Credentials, API tokens and the audit log were once the jobs app's: staff's bookmarks still work.
    re_path(
        r"^admin/jobs/(?P<rest>(?:credential|apitoken)/.*)$",
        RedirectView.as_view(url="/admin/accounts/%(rest)s", permanent=True, query_string=True),
    ),
    re_path(r"^admin/jobs/$", RedirectView.as_view(url="/admin/", permanent=True)),
    re_path(
        r"^admin/jobs/(?P<rest>auditevent/.*)$",
        RedirectView.as_view(url="/admin/audit/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    # The language switch works before logging in too (the login page has it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", include("jobs.api_urls")),
    path("", include("accounts.urls")),
    path("", include("jobs.urls")),
]

# Every answer under /api/ is JSON, Django's own failures included.
handler400 = "jobs.api.bad_request"
handler500 = "jobs.api.server_error"
