"""The demo login of `make run`: user demo/demo with a credential for the built-in simulator, allowed to act
on its jobs (the simulator's, so nothing real is stopped or deleted).

`make run` runs it just before it starts the simulator, which seeds its jobs afresh at its own clock: the list
stored from an earlier run (its jobs' times, the jobs created or deleted then) is forgotten, so the first page
fetches the new one instead of showing the old."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

import demo
from accounts.backends import DEMO_USERNAME
from accounts.models import Credential
from jobs.actions import PERMISSION
from jobs.models import CachedJob, JobListRefresh


class Command(BaseCommand):
    help = "Create the demo user (demo/demo) and its credential for the simulator. Only while DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument("--simulator-url", default="http://127.0.0.1:8001", help="Where the simulator listens.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo login exists only while DEBUG is on.")
        user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        if created or not user.check_password("demo"):
            user.set_password("demo")
            user.save()
        app_label, codename = PERMISSION.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        credential = Credential.objects.for_project(user, demo.PROJECT_ID)
        credential = credential or Credential(owner=user, project_id=demo.PROJECT_ID)
        credential.name = "Demo project (simulator)"
        credential.region = demo.REGION
        credential.auth_kind = Credential.AuthKind.AKSK
        credential.access_key = demo.ACCESS_KEY
        credential.set_secret(demo.SECRET_KEY)
        credential.modelarts_endpoint = credential.iam_endpoint = options["simulator_url"]
        credential.full_clean(exclude=["owner"])
        credential.save()
        CachedJob.objects.filter(credential=credential).delete()
        JobListRefresh.objects.filter(credential=credential).delete()
        self.stdout.write(f"Demo login ready: user 'demo', password 'demo', project {demo.PROJECT_ID}.")
