"""Logging out, saying so on the page it lands on.

Django's LogoutView sends the browser to the login form (LOGOUT_REDIRECT_URL) without a word, so the form
looks the same as after a session that expired. The message outlives the ended session: the messages
framework keeps it in a cookie when there is no session to keep it in.

It needs no login: a session that expired while the page stayed open would otherwise send "Log out" to the
login form as a page to come back to, and logging in would land on a GET of this view, which refuses it (405).
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been logged out."))
        return response
