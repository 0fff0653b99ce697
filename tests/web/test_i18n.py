"""Korean and English pages: every page in both languages, the header's language switch
remembered in a cookie, the JavaScript catalog, and a Korean catalog with no missing entry."""

import re
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from playground import services
from playground.uploads import csvfile
from playground.uploads.limits import UploadError
from tests.conftest import ROOT_DIR

LOCALE = ROOT_DIR / "locale"
KO_PO = LOCALE / "ko" / "LC_MESSAGES" / "django.po"
# Not scanned for messages, here as in `makemessages`: build output, uploads, the tests.
NOT_SOURCES = {"locale", "tests", "media", "staticfiles", "build", "node_modules"}


@pytest.fixture
def experiments(small_spec, session_key):
    """Two finished public experiments (anyone may open them)."""
    saved = []
    for title, loss in (("circle net", 0.3), ("wider net", 0.2)):
        run = services.run_create(small_spec, session_key=session_key)
        services.run_finish(run, status="completed", metrics={"steps": 20, "test_loss": loss, "test_accuracy": 0.9})
        saved.append(services.experiment_save(run, title=title, visibility="public"))
    return saved


def pages(experiments):
    """(url, a Korean string, its English source) for every page."""
    one, two = experiments
    return [
        ("/", "준비되었습니다. 학습을 누르세요.", "Ready. Press Train."),
        ("/experiments/", "곡선을 비교할 실험을 2~6개 선택하세요.", "Tick 2 to 6 experiments to compare their curves."),
        (f"/experiments/{one.slug}/", "최종 지표", "Final metrics"),
        (f"/experiments/compare/?e={one.slug}&e={two.slug}", "하이퍼파라미터와 결과", "Hyper-parameters and results"),
        (
            "/datasets/",
            "기본 제공 데이터셋과 관리자가 업로드한 데이터셋입니다.",
            "The built-in sets and the ones uploaded by the staff.",
        ),
        ("/datasets/circle/", "플레이그라운드에서 사용", "Use in playground"),
        ("/accounts/login/", "아직 계정이 없나요?", "No account yet?"),
        ("/accounts/signup/", "계정 만들기", "Create the account"),
        ("/admin/login/", "신경망 플레이그라운드 관리", "Neural Network Playground administration"),
    ]


@pytest.mark.django_db
def test_every_page_renders_in_korean_and_in_english(experiments):
    client = Client()
    for url, korean, english in pages(experiments):
        ko = client.get(url, HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")
        assert ko.status_code == 200, url
        html = ko.content.decode()
        assert korean in html and english not in html, url
        assert '<html lang="ko"' in html or url.startswith("/admin/"), url
        en = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        html = en.content.decode()
        assert en.status_code == 200 and english in html and korean not in html, url
    # Django's own strings follow: the admin's login form, the auth forms' labels.
    assert "비밀번호" in client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "사용자 이름" in client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()


@pytest.mark.django_db
def test_without_accept_language_the_page_is_english():
    html = Client().get("/experiments/").content.decode()
    assert '<html lang="en"' in html and "Experiments" in html and "실험" not in html


@pytest.mark.django_db
def test_the_header_switch_sets_the_language_and_it_stays():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/experiments/?sort=title", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # One form per language in the header, each returning to this page.
    forms = re.findall(r'<form method="post" action="/i18n/setlang/".*?</form>', page, re.S)
    assert len(forms) == 2
    korean = next(f for f in forms if 'value="ko"' in f)
    assert 'name="next" value="/experiments/?sort=title"' in korean and "<script" not in page.split("<main")[0].replace(
        '<script src="/jsi18n/"></script>', ""
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', korean).group(1)
    response = client.post(
        "/i18n/setlang/",
        {"language": "ko", "next": "/experiments/?sort=title", "csrfmiddlewaretoken": token},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == "/experiments/?sort=title"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ko" and int(cookie["max-age"]) >= 30 * 24 * 3600  # outlives the browser session
    # The browser still asks for English: the choice wins, on this page and the others.
    for url in ("/experiments/", "/datasets/", "/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
        assert '<html lang="ko"' in html and "신경망 플레이그라운드" in html, url
    # ...and switching back works the same way.
    client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert '<html lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_a_post_without_csrf():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/i18n/setlang/", {"language": "ko", "next": "/"}).status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_the_javascript_catalog_is_served_and_loaded_by_every_page():
    response = Client().get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200 and "javascript" in response["Content-Type"]
    assert "django.gettext" in response.content.decode()
    assert '<script src="/jsi18n/"></script>' in Client().get("/datasets/").content.decode()


def test_upload_messages_follow_the_language():
    for language, expected in (("ko", "파일이 비어 있습니다"), ("en", "the file is empty")):
        with translation.override(language), pytest.raises(UploadError, match=expected):
            csvfile.decode(b"  ")
    with (
        translation.override("ko"),
        pytest.raises(UploadError, match=r"3번째 줄, x1 열: 'abc'은\(는\) 숫자가 아닙니다"),
    ):
        csvfile.numbers(csvfile.read(b"x1,x2,label\n1,2,a\nabc,1,b\n", "x1,x2,label", 100), "x1")


def _po_entries(text):
    """[(msgid, [msgstr, ...], fuzzy)] of a .po file (the header left out)."""
    out = []
    for block in text.strip().split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        if fields.get("msgid"):
            out.append((fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], fuzzy))
    return out


@pytest.mark.parametrize(("domain", "least"), [("django", 300), ("djangojs", 150)])
def test_every_message_has_a_korean_translation(tmp_path, monkeypatch, domain, least):
    """makemessages into a copy of locale/: msgmerge keeps the committed translations, adds
    every msgid of the code and templates the catalog lacks (empty) and marks changed ones
    fuzzy. Each must have a Korean msgstr: translate new strings in locale/ko/LC_MESSAGES/django.po,
    and those of static/js (gettext("...") calls, static/js/i18n.js) in djangojs.po."""
    for entry in ROOT_DIR.iterdir():
        if entry.name not in NOT_SOURCES and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path / "locale"])
    call_command(
        "makemessages",
        locale=["ko"],
        domain=domain,
        symlinks=True,
        no_obsolete=True,
        verbosity=0,
        ignore_patterns=list(NOT_SOURCES),
    )
    entries = _po_entries((tmp_path / "locale" / "ko" / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8"))
    assert len(entries) > least  # the extraction found the templates and the code (djangojs: static/js)
    missing = [msgid for msgid, strings, fuzzy in entries if fuzzy or not all(strings)]
    assert not missing, f"untranslated or fuzzy in {KO_PO.with_name(f'{domain}.po').relative_to(ROOT_DIR)}: {missing}"
