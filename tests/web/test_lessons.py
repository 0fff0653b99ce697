"""The course (/lessons/): every page in Korean and English, the learner's progress (opened on
view, finished on a CSRF-checked POST, shown on the list, moved to the account on log-in and
sign-up), and every lesson's preset a real one the playground offers."""

import html
import re

import pytest
from django.test import Client

from playground.lessons import catalog, content_en, content_ko
from playground.models import LessonProgress
from trainer import presets
from trainer.spec import parse

KO = {"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.5"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
SLUGS = [lesson.slug for lesson in catalog.LESSONS]


def states(client):
    """slug -> the progress the list shows."""
    page = client.get("/lessons/").content.decode()
    return dict(re.findall(r'<li data-lesson="([\w-]+)">.*?data-progress="(\w+)"', page, re.S))


def token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.mark.django_db
def test_the_list_shows_the_course_in_order_in_korean_and_in_english():
    ko = Client().get("/lessons/", **KO).content.decode()
    en = Client().get("/lessons/", **EN).content.decode()
    assert '<html lang="ko"' in ko and '<html lang="en"' in en
    assert re.findall(r'<li data-lesson="([\w-]+)">', ko) == SLUGS  # the course's order
    for slug in SLUGS:
        assert (
            html.escape(content_ko.LESSONS[slug]["title"]) in ko
            and html.escape(content_ko.LESSONS[slug]["summary"]) in ko
        )
        assert (
            html.escape(content_en.LESSONS[slug]["title"]) in en
            and html.escape(content_ko.LESSONS[slug]["title"]) not in en
        )
    assert "1. 퍼셉트론" in ko and "8. 임베딩과 순환 신경망" in ko and "1. The perceptron" in en


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_renders_in_both_languages(slug):
    lesson = catalog.BY_SLUG[slug]
    for headers, words, other in ((KO, content_ko, content_en), (EN, content_en, content_ko)):
        response = Client().get(f"/lessons/{slug}/", **headers)
        assert response.status_code == 200
        page = response.content.decode()
        text = words.LESSONS[slug]
        for paragraph in (text["title"], *text["body"], *text["try"], text["question"], text["answer"]):
            assert html.escape(paragraph) in page
        assert html.escape(other.LESSONS[slug]["title"]) not in page
        # The answer waits in a <details>; the page has no inline script.
        assert re.search(
            r'<details class="lesson-answer"><summary>.+?</summary><p>' + re.escape(html.escape(text["answer"])), page
        )
        assert "<script>" not in page and " onclick=" not in page
        assert f'id="open-preset" href="/#preset={lesson.preset}"' in page
        for name in lesson.more:
            assert f'href="/#preset={name}"' in page and html.escape(text["presets"][name]) in page
        if lesson.dataset_page:
            assert f'href="/datasets/{lesson.dataset_page}/"' in page
        assert 'method="post" action="/lessons/%s/finish/"' % slug in page and 'name="csrfmiddlewaretoken"' in page
    previous, following = catalog.neighbours(slug)
    page = Client().get(f"/lessons/{slug}/", **EN).content.decode()
    assert ('rel="prev"' in page) == bool(previous) and ('rel="next"' in page) == bool(following)
    for rel, other in (("prev", previous), ("next", following)):
        assert not other or f'rel="{rel}" href="/lessons/{other.slug}/"' in page


def test_both_languages_have_every_lesson_and_section():
    for words in (content_en, content_ko):
        assert set(words.SECTIONS) == set(catalog.SECTIONS)
        assert set(words.LESSONS) == set(SLUGS)
        for slug, text in words.LESSONS.items():
            assert {"title", "summary", "body", "try", "question", "answer"} <= set(text), slug
            assert 2 <= len(text["body"]) <= 4 and 2 <= len(text["try"]) <= 3, slug
            assert set(text.get("presets", {})) == set(catalog.BY_SLUG[slug].more), slug
    assert all(re.search(r"[\uac00-\ud7a3]", content_ko.LESSONS[slug]["body"][0]) for slug in SLUGS)  # Hangul


@pytest.mark.parametrize("name", sorted({n for lesson in catalog.LESSONS for n in (lesson.preset, *lesson.more)}))
def test_every_lessons_preset_exists_and_parses(name):
    assert name in {p["name"] for p in presets.PRESETS}  # in the catalog the playground reads, so #preset= finds it
    parse(presets.load(name))


def test_the_text_lessons_use_the_real_review_sets():
    assert presets.load(catalog.BY_SLUG["bow-vs-rnn"].preset)["dataset"]["name"] == "nsmc"
    assert presets.load(catalog.BY_SLUG["text-preprocessing"].preset)["dataset"]["representation"] == "bag_of_words"
    assert (
        presets.load("lr_too_small")["layers"] == presets.load("lr_too_large")["layers"]
    )  # the same net, another rate


@pytest.mark.django_db
def test_an_unknown_lesson_is_404():
    assert Client().get("/lessons/no-such-lesson/").status_code == 404
    assert Client().post("/lessons/no-such-lesson/finish/").status_code == 404
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
def test_opened_on_view_finished_on_post_with_csrf_and_shown_on_the_list():
    c = Client(enforce_csrf_checks=True)
    assert set(states(c).values()) == {"new"}
    page = c.get("/lessons/mlp-xor/", **EN).content.decode()
    assert 'data-progress="opened"' in page and 'id="mark-finished"' in page
    assert states(c)["mlp-xor"] == "opened" and states(c)["perceptron"] == "new"
    row = LessonProgress.objects.get(lesson="mlp-xor")
    assert row.owner is None and row.owner_session == c.session.session_key and row.finished_at is None

    assert c.post("/lessons/mlp-xor/finish/").status_code == 403  # no CSRF token
    assert LessonProgress.objects.get(lesson="mlp-xor").finished_at is None
    response = c.post("/lessons/mlp-xor/finish/", {"csrfmiddlewaretoken": token(page)})
    assert response.status_code == 302 and response["Location"] == "/lessons/mlp-xor/"
    finished = LessonProgress.objects.get(lesson="mlp-xor").finished_at
    assert finished is not None and states(c)["mlp-xor"] == "finished"
    page = c.get("/lessons/mlp-xor/", **EN).content.decode()
    assert 'data-progress="finished"' in page and 'id="mark-finished"' not in page
    c.post("/lessons/mlp-xor/finish/", {"csrfmiddlewaretoken": token(page)})  # again: the first time is kept
    assert LessonProgress.objects.get(lesson="mlp-xor").finished_at == finished
    assert c.get("/lessons/mlp-xor/finish/").status_code == 405
    assert set(states(Client()).values()) == {"new"}  # another browser has its own progress


@pytest.mark.django_db
def test_log_in_moves_the_anonymous_progress_to_the_account(django_user_model):
    ada = django_user_model.objects.create_user("ada", password="pw-ada-12345")
    LessonProgress.objects.create(owner=ada, lesson="perceptron")  # from an earlier visit, not finished
    c = Client()
    c.get("/lessons/perceptron/")
    page = c.get("/lessons/cnn/").content.decode()
    c.post("/lessons/perceptron/finish/", {"csrfmiddlewaretoken": token(page)})
    assert c.post("/accounts/login/", {"username": "ada", "password": "pw-ada-12345"}).status_code == 302
    assert states(c) == {**{slug: "new" for slug in SLUGS}, "perceptron": "finished", "cnn": "opened"}
    assert not LessonProgress.objects.filter(owner__isnull=True).exists()
    assert LessonProgress.objects.filter(owner=ada).count() == 2  # merged, one row a lesson
    c.post("/accounts/logout/")
    assert set(states(c).values()) == {"new"}


@pytest.mark.django_db
def test_sign_up_moves_it_too(django_user_model):
    c = Client()
    page = c.get("/lessons/learning-rate/").content.decode()
    c.post("/lessons/learning-rate/finish/", {"csrfmiddlewaretoken": token(page)})
    response = c.post(
        "/accounts/signup/", {"username": "cy", "password1": "a-long-pass-987", "password2": "a-long-pass-987"}
    )
    assert response.status_code == 302
    cy = django_user_model.objects.get(username="cy")
    assert LessonProgress.objects.get(lesson="learning-rate").owner == cy
    assert states(c)["learning-rate"] == "finished"


@pytest.mark.django_db
def test_the_playground_and_the_header_link_to_the_lessons():
    page = Client().get("/", **KO).content.decode()
    assert 'class="all-lessons" href="/lessons/"' in page  # beside the preset row
    assert re.search(r'<header class="topbar">.*?href="/lessons/".*?</header>', page, re.S)
    assert 'href="/lessons/"' in Client().get("/experiments/").content.decode()
