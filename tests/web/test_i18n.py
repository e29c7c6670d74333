"""Simplified Chinese by default, English on request."""


def test_default_language_is_simplified_chinese(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "登录匠才" in html


def test_switch_to_english_and_back(client):
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in to Jiangcai" in html
    client.get("/lang/zh")
    assert "登录匠才" in client.get("/login").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_catalogue_has_no_untranslated_message():
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "app/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == []
    assert len(catalog) > 50


def test_translations_keep_percent_signs_consistent():
    """A bare % in a translation whose English has none breaks Jinja's %-formatting of that string."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "app/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    bare = re.compile(r"%(?![(%])")
    # Domain messages ({named} placeholders) are formatted with str.format, never with %: a bare % is fine there.
    wrong = [m.id for m in catalog if m.id and m.string and "python-brace-format" not in m.flags
             and bool(bare.search(m.string)) != bool(bare.search(m.id))]
    assert wrong == []


def test_translations_keep_named_placeholders():
    """A domain message's {placeholders} are the same in English and Chinese, or formatting would fail."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "app/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    names = re.compile(r"(?<!\{)\{(\w*)(?:[:!][^}]*)?\}(?!\})")
    wrong = [m.id for m in catalog if m.id and m.string and isinstance(m.id, str)
             and sorted(names.findall(m.id)) != sorted(names.findall(m.string))]
    assert wrong == []


def test_marked_message_renders_in_both_languages():
    from app.errors import ValidationFailed
    from app.translation import N_, in_chinese

    error = ValidationFailed(N_("The form expired or was not sent from this site; please try again."), field="x")
    assert error.message == "The form expired or was not sent from this site; please try again."
    assert in_chinese(error.message) != error.message and error.code == "invalid" and error.field == "x"
