from django.conf import settings
from django.contrib.auth.backends import ModelBackend

DEMO_USERNAME = "demo"


class DashboardBackend(ModelBackend):
    """Django's model backend, except that the demo login (demo/demo, made by `make run`) only works while
    DEBUG is on: a development database copied to production must not bring a known password with it."""

    def user_can_authenticate(self, user) -> bool:
        if user.get_username() == DEMO_USERNAME and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
