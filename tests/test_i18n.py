"""Languages: English (the default) and Simplified Chinese, chosen by the browser or the header's switch.

The catalog is locale/zh_Hans/LC_MESSAGES/django.po, compiled to django.mo beside it and committed, so a
fresh checkout shows Chinese without GNU gettext. These tests fail when the .mo is missing or out of date.
"""

import ast
import gettext as gnu_gettext
import re
from datetime import timedelta
from pathlib import Path

import pytest
import responses
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from jobs import failures
from jobs.status import STATUSES, status_for
from jobs.templatetags import jobs_tags
from modelarts import errors
from tests.conftest import PROJECT_A, make_job, store_list

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
LIST_URL = f"/projects/{PROJECT_A}/visualization-jobs/"
DETAIL_URL = f"{LIST_URL}10086/"
UPSTREAM = f"https://modelarts.cn-north-4.myhuaweicloud.com/v1/{PROJECT_A}/visualization-jobs"
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.8"}


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


@pytest.fixture
def jobs(alice_credential):
    return store_list(
        alice_credential,
        [
            make_job(10086, job_name="resnet-tb", status=8, create_time=timezone.now() - timedelta(hours=1)),
            make_job(10087, job_name="odd", status=99),
        ],
    )


# Choosing the language


def test_english_is_the_default(alice_client, jobs):
    response = alice_client.get(LIST_URL)

    assert html_lang(response) == "en"
    assert "Refresh now" in response.content.decode()


@pytest.mark.parametrize("accept", ["zh-CN,zh;q=0.9", "zh-Hans", "zh", "zh-hans-CN;q=1, en;q=0.5"])
def test_the_browser_language_is_honoured(alice_client, jobs, accept):
    response = alice_client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE=accept)

    html = response.content.decode()
    assert html_lang(response) == "zh-hans"
    assert "立即刷新" in html and "可视化作业" in html and "状态" in html
    assert "Refresh now" not in html


def test_other_languages_fall_back_to_english(alice_client, jobs):
    assert html_lang(alice_client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8")) == "en"


def test_the_switch_returns_to_the_same_page_in_the_chosen_language(alice_client, jobs):
    page = f"{LIST_URL}?group=running&sort=name"

    response = alice_client.post("/i18n/setlang/", {"language": "zh-hans", "next": page})

    assert response.status_code == 302
    assert response["Location"] == page
    following = alice_client.get(response["Location"])  # no Accept-Language: the choice is remembered
    assert html_lang(following) == "zh-hans"
    assert "立即刷新" in following.content.decode()

    back = alice_client.post("/i18n/setlang/", {"language": "en", "next": page}, **CHINESE)
    assert back["Location"] == page
    assert html_lang(alice_client.get(page, **CHINESE)) == "en"  # the switch wins over the browser


def test_the_switch_works_before_logging_in(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/?next=/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    login_page = client.get(response["Location"])
    assert html_lang(login_page) == "zh-hans" and "登录" in login_page.content.decode()


def test_the_switch_never_leaves_the_site(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example.com/"})

    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_the_switch_needs_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 403


def test_the_switch_form_contract(alice_client, jobs):
    """Browser tests rely on these ids and names; the form must work without JavaScript."""
    page = f"{LIST_URL}?q=res&page=1"
    html = alice_client.get(page).content.decode()

    form = re.search(r'<form id="language-form"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no language form"
    opening = form.group(0).split(">", 1)[0]
    assert 'method="post"' in opening and 'action="/i18n/setlang/"' in opening
    body = form.group(1)
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'<input type="hidden" name="next" value="{page.replace("&", "&amp;")}">' in body
    assert '<label for="language-select">' in body
    assert re.search(r'<select name="language" id="language-select">', body)
    assert re.findall(r'<option value="([^"]+)"', body) == ["en", "zh-hans"]
    assert re.search(r'<button type="submit" id="language-submit">', body)
    assert "<script" not in html.split("</head>", 1)[1]  # no inline script anywhere in the body


def test_the_switch_is_on_every_page_including_login(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'id="language-form"' in html and 'value="/accounts/login/"' in html


# Pages in Chinese


def test_login_page_in_both_languages(client, alice):
    english = client.get("/accounts/login/").content.decode()
    chinese = client.get("/accounts/login/", **CHINESE).content.decode()

    assert "<h1>Log in</h1>" in english and "Username" in english
    assert "<h1>登录</h1>" in chinese and "用户名" in chinese and "密码" in chinese

    refused = client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, **CHINESE)
    assert refused.status_code == 200 and "请输入一个正确的用户名和密码" in refused.content.decode()
    accepted = client.post("/accounts/login/", {"username": "alice", "password": "alice-login-password"}, **CHINESE)
    assert accepted.status_code == 302


def test_status_labels_come_from_the_status_table(alice_client, jobs):
    chinese = alice_client.get(LIST_URL, **CHINESE).content.decode()
    english = alice_client.get(LIST_URL).content.decode()

    assert "作业正在运行中 · <code>JOBSTAT_RUNNING</code>" in chinese
    assert "未知状态 (99)" in chinese
    assert "Running · <code>JOBSTAT_RUNNING</code>" in english and 'title="作业正在运行中"' in english
    assert "Unknown status (99)" in english


def test_status_for_follows_the_active_language():
    with translation.override("zh-hans"):
        assert status_for(8).display_label == "作业正在运行中"
        assert status_for(1234).display_label == "未知状态 (1234)"
        assert status_for(8).other_label == "Running"
    with translation.override("en"):
        assert status_for(8).display_label == "Running"
        assert status_for(1234).display_label == "Unknown status (1234)"
    assert all(status.label_zh for status in STATUSES.values())


def test_status_filter_choices_are_translated(alice_client, jobs):
    html = alice_client.get(LIST_URL, **CHINESE).content.decode()

    assert '<option value="8">8 · 作业正在运行中</option>' in html
    assert '<option value="running">运行中</option>' in html
    assert "最新创建在前" in html


@responses.activate
def test_detail_page_in_chinese(alice_client, alice_credential):
    responses.get(
        f"{UPSTREAM}/10086",
        json={
            "is_success": True,
            "job_id": 10086,
            "job_name": "resnet-tb",
            "status": 8,
            "duration": 93784000,
            "train_url": "obs://bucket/logs/",
            "schedule": {"type": "stop", "time_unit": "HOURS", "duration": 2},
        },
    )

    html = alice_client.get(DETAIL_URL, **CHINESE).content.decode()

    assert "作业正在运行中" in html
    assert "<dt>作业ID</dt>" in html and "<dt>训练输出路径（train_url）</dt>" in html
    assert "1 天 2 小时" in html
    assert "2 小时后自动停止" in html
    assert "复制本页链接" in html


@responses.activate
def test_upstream_error_title_and_advice_in_chinese(alice_client, alice_credential):
    responses.get(f"{UPSTREAM}/10086", status=403, json={"error_code": "ModelArts.0108", "error_msg": "denied"})

    response = alice_client.get(DETAIL_URL, **CHINESE)

    html = response.content.decode()
    assert response.status_code == 502
    assert "该 IAM 用户没有执行此操作的权限。" in html
    assert "请联系华为云管理员，为该 IAM 用户授予 ModelArts 的只读权限。" in html
    assert "ModelArts.0108" in html and "denied" in html  # ModelArts' own words stay as they came
    assert "The IAM user is not allowed" not in html


@responses.activate
def test_code_specific_advice_in_chinese(alice_client, alice_credential):
    responses.get(f"{UPSTREAM}/10086", status=403, json={"error_code": "ModelArts.2785", "error_msg": "no agency"})

    html = alice_client.get(DETAIL_URL, **CHINESE).content.decode()

    assert "全局配置" in html


@responses.activate
def test_a_failed_refresh_is_stored_as_its_kind_and_shown_in_each_viewers_language(alice_client, alice_credential):
    store_list(alice_credential, [make_job(1, job_name="kept")], fetched_at=timezone.now() - timedelta(hours=1))
    responses.get(UPSTREAM, status=403, json={"error_code": "ModelArts.0108", "error_msg": "denied"})

    chinese = alice_client.get(LIST_URL, **CHINESE).content.decode()
    english = alice_client.get(LIST_URL).content.decode()

    alice_credential.refresh_from_db()
    stored = alice_credential.list_refresh
    assert (stored.last_error_kind, stored.last_error_code) == ("IamPermissionDenied", "ModelArts.0108")
    assert "上次刷新失败" in chinese and "该 IAM 用户没有执行此操作的权限。" in chinese
    assert "The IAM user is not allowed to do this." in english
    overview = " ".join(alice_client.get("/", **CHINESE).content.decode().split())
    assert "上次刷新失败：该 IAM 用户没有执行此操作的权限。" in overview  # a Chinese colon, the sentence as one


def test_messages_are_in_the_language_of_the_request(alice_client, simulated_credential):
    response = alice_client.post(f"/credentials/{simulated_credential.pk}/test/", follow=True, **CHINESE)

    assert "已成功连接 ModelArts" in response.content.decode()


def test_explanations_translate_when_shown():
    explanation = failures.explain(errors.IamPermissionDenied("denied", code="ModelArts.0108"))

    assert explanation.title == "The IAM user is not allowed to do this."  # the catalog's key
    with translation.override("zh-hans"):
        assert str(explanation).startswith("该 IAM 用户没有执行此操作的权限。 ModelArts.0108: denied — 请联系")
    with translation.override("en"):
        assert str(explanation).startswith("The IAM user is not allowed to do this. ModelArts.0108: denied — Ask")


def every_error_text() -> set[str]:
    texts = {text for failure in failures.FAILURES.values() for text in (failure.title, failure.advice) if text}
    return texts | set(failures.CODE_ADVICE.values()) | set(failures.ACTION_ADVICE.values())


def test_every_error_title_and_advice_is_translated():
    with translation.override("zh-hans"):
        untranslated = sorted(text for text in every_error_text() if translation.gettext(text) == text)
    assert untranslated == []


def test_the_client_module_stays_free_of_django():
    source = Path(errors.__file__).read_text(encoding="utf-8")

    assert not re.search(r"^\s*(from|import)\s+django", source, re.MULTILINE)


def test_durations_and_lockout_times_in_chinese():
    with translation.override("zh-hans"):
        assert jobs_tags.duration(3_723_000) == "1 小时 2 分钟"
        assert jobs_tags.duration(0) == "0 秒"
        assert jobs_tags.timespan(timedelta(minutes=15)) == "15 分钟"
        assert jobs_tags.auto_stop({"type": "stop", "time_unit": "HOURS", "duration": 3}) == "3 小时后自动停止"
    with translation.override("en"):
        assert jobs_tags.auto_stop({"type": "stop", "time_unit": "HOURS", "duration": 1}) == "Stops after 1 hour"
        assert jobs_tags.auto_stop({"type": "pause", "time_unit": "WEEKS", "duration": 1}) == "pause after 1 weeks"
        assert jobs_tags.auto_stop({"duration": None}) == "stop after None "


@pytest.mark.parametrize("path", ["/no-such-page/", "/accounts/login/"])
def test_error_and_public_pages_carry_the_language(client, path):
    assert html_lang(client.get(path, **CHINESE)) == "zh-hans"


def test_the_server_error_page_is_translated(rf):
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        html = server_error(rf.get("/")).content.decode()

    assert '<html lang="zh-hans">' in html and "服务端出现了问题" in html


# The catalog itself


def parse_po(path: Path) -> dict:
    """The messages of a .po file as Python's gettext keys them: "ctx\\x04msgid", or (msgid, n) for plurals."""
    messages, fuzzy = {}, []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                fields[current] += ast.literal_eval(line)
                continue
            current, _, rest = line.partition(" ")
            fields[current] = ast.literal_eval(rest)
        if "msgid" not in fields:
            continue
        if "fuzzy" in flags and fields["msgid"]:
            fuzzy.append(fields["msgid"])
        key = fields["msgid"] if "msgctxt" not in fields else f"{fields['msgctxt']}\x04{fields['msgid']}"
        if "msgid_plural" in fields:
            for name, value in fields.items():
                if name.startswith("msgstr["):
                    messages[(key, int(name[7:-1]))] = value
        else:
            messages[key] = fields["msgstr"]
    return {"messages": messages, "fuzzy": fuzzy}


def test_there_is_a_chinese_catalog():
    assert LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po" in CATALOGS
    assert [code for code, _ in settings.LANGUAGES] == ["en", "zh-hans"]
    assert settings.LANGUAGE_CODE == "en"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_every_message_is_translated(po):
    catalog = parse_po(po)

    empty = [key for key, value in catalog["messages"].items() if key != "" and not value.strip()]
    assert empty == [], "untranslated messages"
    assert catalog["fuzzy"] == [], "fuzzy (unchecked) translations are not used: review them"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_the_compiled_catalog_matches_the_po_file(po):
    """After editing a .po file, compile it (`make messages`) and commit the .mo with it."""
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo.name} is missing: run make messages"

    with mo.open("rb") as compiled:
        catalog = gnu_gettext.GNUTranslations(compiled)._catalog

    expected = {key: value for key, value in parse_po(po)["messages"].items() if key != ""}
    actual = {key: value for key, value in catalog.items() if key != ""}
    assert actual == expected, "the .mo differs from the .po: run make messages"


def test_placeholders_survive_translation():
    for po in CATALOGS:
        for key, value in parse_po(po)["messages"].items():
            msgid = key[0] if isinstance(key, tuple) else key
            msgid = msgid.split("\x04")[-1]
            assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", value)), msgid


def test_django_loads_the_catalog():
    with translation.override("zh-hans"):
        assert translation.gettext("Refresh now") == "立即刷新"
        assert translation.gettext("Visualization job ID") == "可视化作业ID"
        assert translation.pgettext("duration unit", "h") == "小时"
        assert translation.ngettext("%(counter)s job in ModelArts", "%(counter)s jobs in ModelArts", 5) == (
            "ModelArts 中共 %(counter)s 个作业"
        )
