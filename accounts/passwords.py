"""Django's password change and reset pages, with their password and mail checks throttled.

The old password on the change form is checked like a login (accounts.throttle). The reset form sends mail to
whatever address is typed, without login: each client address and each typed address may ask
PASSWORD_RESET_LIMIT times an hour, so the form can neither flood a mailbox nor the mail server.
"""

import time
from math import ceil

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from .forms import RequestFormMixin
from .throttle import confirm_password

RESET_WINDOW_SECONDS = 3600
RESET_KEY_SALT = "accounts.passwords.reset-limit"


class ThrottledPasswordChangeForm(RequestFormMixin, PasswordChangeForm):
    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not confirm_password(self.request, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class ThrottledPasswordResetForm(RequestFormMixin, PasswordResetForm):
    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        address = get_client_ip_address(self.request) or ""
        counts = [_count_reset_request("address", address), _count_reset_request("email", email.lower())]
        if max(counts) > settings.PASSWORD_RESET_LIMIT:
            minutes = ceil(_seconds_left_in_window() / 60)
            raise forms.ValidationError(
                ngettext(
                    "Too many reset requests. Try again in %(minutes)d minute.",
                    "Too many reset requests. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        return email


def _count_reset_request(kind: str, value: str) -> int:
    """Requests so far in this clock hour for one client address or one typed mail address. Fixed windows
    need one atomic increment and no stored timestamps.

    The cache holds no addresses: they are keyed by an HMAC under SECRET_KEY, which, unlike a plain hash,
    no dictionary of addresses reverses. A count the cache dropped (culled or expired between the add and
    the increment) starts again at this request rather than failing it.
    """
    window = int(time.time()) // RESET_WINDOW_SECONDS
    key = f"password-reset:{kind}:{salted_hmac(RESET_KEY_SALT, value).hexdigest()}:{window}"
    if cache.add(key, 1, RESET_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the key is gone
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return 1


def _seconds_left_in_window() -> int:
    return RESET_WINDOW_SECONDS - int(time.time()) % RESET_WINDOW_SECONDS


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("email", code="throttled"):
            response.status_code = 429
        return response
