from articles.admin import ArticleAdminForm
from newsletter.admin import IssueAdminForm
from runnerhub.widgets import RichTextEditor


def test_the_editor_is_a_textarea_with_its_settings_in_data_attributes():
    html = RichTextEditor().render(
        "body", '<p>Hill <a href="/x">repeats</a></p>', {"id": "id_body"}
    )
    assert html.startswith('<div class="ck-editor-container"><textarea name="body"')
    assert 'class="rich-text-editor"' in html and 'id="id_body"' in html
    assert 'data-rich-text=""' in html
    assert 'data-upload-url="/editor/upload/"' in html
    assert 'data-image-types="gif jpeg png webp"' in html  # what the upload view accepts
    assert 'data-csrf-cookie="csrftoken"' in html
    # The HTML is the textarea's escaped text (what the form posts without JavaScript).
    assert (
        "&lt;p&gt;Hill &lt;a href=&quot;/x&quot;&gt;repeats&lt;/a&gt;&lt;/p&gt;</textarea>" in html
    )
    # The word count, and the notice of images without alt text (editor.js fills both).
    assert (
        '<div class="word-count"></div><p class="image-alt-warning" role="status" hidden></p></div>'
    ) in html
    assert "<script" not in html


def test_the_editor_loads_our_build_then_our_script():
    media = RichTextEditor().media
    assert media._js == ["runnerhub/editor/ckeditor.js", "runnerhub/js/editor.js"]
    assert media._css == {"all": ["runnerhub/editor/ckeditor.css", "runnerhub/css/admin.css"]}


def test_article_and_newsletter_bodies_use_it():
    assert isinstance(ArticleAdminForm().fields["body"].widget, RichTextEditor)
    assert isinstance(IssueAdminForm().fields["body"].widget, RichTextEditor)
