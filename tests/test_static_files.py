"""Production static files: collected, compressed, with content hashes in their names, cached forever."""

import subprocess
import sys

from tests.test_security import production
from tests.test_settings import ROOT, settings_environment

CHECK = """
import re, django
django.setup()
from django.test import Client
client = Client()
page = client.get("/accounts/login/", secure=True, HTTP_HOST="dash.example.com").content.decode()
path = re.search(r'href="(/static/css/app\\.[0-9a-f]{12}\\.css)"', page).group(1)
response = client.get(path, secure=True, HTTP_HOST="dash.example.com", HTTP_ACCEPT_ENCODING="gzip")
print(response.status_code, response.get("Content-Encoding"), response["Cache-Control"])
"""


def test_static_files_are_hashed_compressed_and_cached_forever(tmp_path):
    environment = settings_environment(**production(STATIC_ROOT=str(tmp_path)))
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert collect.returncode == 0, collect.stderr
    assert list(tmp_path.glob("css/app.*.css.gz"))

    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, env=environment, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    status, encoding, cache_control = result.stdout.split(maxsplit=2)
    assert (status, encoding) == ("200", "gzip")
    assert "immutable" in cache_control and "max-age=315360000" in cache_control
