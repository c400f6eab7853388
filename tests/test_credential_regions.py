"""Regions by the console's name and their code, in the viewer's language; a prompt rather than "---------";
the project id field says where to find the id before anyone types a wrong one."""

import re

import pytest
from django.test import Client
from django.utils import translation

from accounts.regions import REGION_NAMES, region_label
from modelarts.regions import REGIONS
from tests.conftest import PROJECT_B

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S)
    assert select
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_every_region_has_a_name():
    assert set(REGION_NAMES) == set(REGIONS)


def test_options_name_each_region_with_its_code_after_a_prompt(alice_client):
    found = options(alice_client.get("/credentials/add/").content.decode())

    assert found[0] == ("", "Choose the region of the project")
    assert [value for value, _ in found[1:]] == list(REGIONS)
    assert ("cn-north-4", "CN North-Beijing4 (cn-north-4)") in found
    assert ("ap-southeast-3", "AP-Singapore (ap-southeast-3)") in found
    assert all(label.endswith(f"({value})") for value, label in found[1:])
    assert "---------" not in alice_client.get("/credentials/add/").content.decode()


def test_chinese_names_in_chinese(alice_client):
    found = dict(options(alice_client.get("/credentials/add/", **CHINESE).content.decode()))

    assert found["cn-north-4"] == "华北-北京四（cn-north-4）"
    assert found["ap-southeast-1"] == "中国-香港（ap-southeast-1）"
    with translation.override("en"):
        english = [region_label(code) for code in REGIONS]
    with translation.override("zh-hans"):
        chinese = [region_label(code) for code in REGIONS]
    assert all(zh != en for zh, en in zip(chinese, english, strict=True))  # every name is translated


def test_the_edit_form_selects_the_stored_region(alice_client, alice_credential):
    html = alice_client.get(f"/credentials/{alice_credential.pk}/edit/").content.decode()

    assert '<option value="cn-north-4" selected>CN North-Beijing4 (cn-north-4)</option>' in html
    assert '<option value="" selected>' not in html


def test_the_prompt_is_not_a_region(alice_client):
    data = {"name": "n", "region": "", "project_id": PROJECT_B, "auth_kind": "aksk", "access_key": "AK", "secret": "s"}

    response = alice_client.post("/credentials/add/", data)

    assert response.status_code == 400
    assert "Choose the region of the project." in response.content.decode()


def test_the_project_id_field_says_where_to_find_it(alice_client):
    html = alice_client.get("/credentials/add/").content.decode()

    help_text = re.search(r'<small class="help" id="id_project_id_helptext">(.*?)</small>', html, re.S)
    assert help_text and "“My Credentials” &gt; “API Credentials”" in help_text.group(1)
    assert 'aria-describedby="id_project_id_helptext"' in html


def test_the_list_names_the_region(alice_client, alice_credential, bob_client):
    assert re.search(
        r"<td[^>]*>CN North-Beijing4 \(cn-north-4\)</td>", alice_client.get("/credentials/").content.decode()
    )
    assert "华北-北京四（cn-north-4）" in alice_client.get("/credentials/", **CHINESE).content.decode()
    assert "cn-north-4" not in bob_client.get("/credentials/").content.decode()


def test_region_label_of_an_unknown_code_is_the_code():
    assert region_label("xx-nowhere-1") == "xx-nowhere-1"


def test_another_users_form_is_404_and_csrf_is_checked(bob_client, alice, alice_credential):
    assert bob_client.get(f"/credentials/{alice_credential.pk}/edit/").status_code == 404
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/credentials/{alice_credential.pk}/edit/", {"region": "ap-southeast-3"})
    assert response.status_code == 403
    alice_credential.refresh_from_db()
    assert alice_credential.region == "cn-north-4"
