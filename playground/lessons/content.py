"""The lessons' words in the current language (django.utils.translation.get_language()),
English where a language has none. Long prose lives here, not in the gettext catalogs."""

from django.utils.translation import get_language

from playground.lessons import catalog, content_en, content_ko

LANGUAGES = {"en": content_en, "ko": content_ko}


def _module():
    return LANGUAGES.get((get_language() or "en").split("-")[0], content_en)


def section_title(section):
    return _module().SECTIONS.get(section) or content_en.SECTIONS[section]


def lesson_text(slug):
    """{"title", "summary", "body", "try", "question", "answer", "presets"} for one lesson."""
    return {**content_en.LESSONS[slug], **_module().LESSONS.get(slug, {})}


def lesson(slug):
    """One lesson's structure and words together, with its compared presets labelled."""
    entry = catalog.BY_SLUG[slug]
    text = lesson_text(slug)
    labels = text.get("presets", {})
    return {
        **text,
        "slug": slug,
        "section": entry.section,
        "section_title": section_title(entry.section),
        "preset": entry.preset,
        "more": [{"name": name, "label": labels.get(name, name)} for name in entry.more],
        "dataset_page": entry.dataset_page,
    }
