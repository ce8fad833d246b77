import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from runnerhub.images import (
    JPEG_QUALITY,
    ValidatedImageFormField,
    clean_image,
    enhance_images,
    img_tag,
    make_renditions,
    save_editor_image,
)


def image_bytes(size=(1600, 900), fmt="JPEG", exif=None, mode="RGB", colour=(200, 80, 30)):
    buffer = io.BytesIO()
    image = Image.new(mode, size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps
    return exif.tobytes()


def test_metadata_is_stripped_and_orientation_applied():
    data = image_bytes(size=(400, 200), exif=exif_with_gps())
    assert b"SecretPhone" in data
    cleaned = clean_image(io.BytesIO(data))
    assert b"SecretPhone" not in cleaned.content
    assert b"PhoneMaker" not in cleaned.content
    stored = Image.open(io.BytesIO(cleaned.content))
    assert not stored.getexif()
    assert stored.info.get("exif") is None
    # Orientation 6 means the camera held the picture sideways: it is stored upright.
    assert (cleaned.width, cleaned.height) == (200, 400)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4 definitely not an image", "not_an_image"),
        (b"", "not_an_image"),
        (image_bytes(fmt="PNG")[:400], "image_damaged"),
        (image_bytes(fmt="JPEG")[:-600], "image_damaged"),
    ],
    ids=["pdf", "empty", "truncated-png", "truncated-jpeg"],
)
def test_bad_uploads_get_a_specific_error(data, code):
    with pytest.raises(ValidationError) as error:
        clean_image(io.BytesIO(data))
    assert error.value.code == code


def test_decompression_bomb_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    # A small file that claims a huge canvas.
    data = image_bytes(size=(3000, 3000), fmt="PNG", mode="1", colour=0)
    assert len(data) < 50_000
    with pytest.raises(ValidationError) as error:
        clean_image(io.BytesIO(data))
    assert error.value.code == "image_pixels"
    assert "megapixels" in error.value.messages[0]


def test_files_over_the_limit_are_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        clean_image(upload)
    assert error.value.code == "image_too_big"
    assert "10.0\xa0MB" in error.value.messages[0]


def test_transparent_images_stay_transparent_as_webp():
    data = image_bytes(size=(300, 300), fmt="PNG", mode="RGBA", colour=(0, 0, 0, 0))
    cleaned = clean_image(io.BytesIO(data))
    assert cleaned.extension == "webp"
    assert Image.open(io.BytesIO(cleaned.content)).mode == "RGBA"


def test_form_field_returns_the_cleaned_file():
    field = ValidatedImageFormField()
    upload = SimpleUploadedFile("holiday photo.jpeg", image_bytes(exif=exif_with_gps()))
    cleaned = field.clean(upload)
    assert cleaned.name == "holiday photo.jpg"
    assert b"SecretPhone" not in cleaned.read()
    with pytest.raises(ValidationError, match="not an image"):
        field.clean(SimpleUploadedFile("x.jpg", b"nope"))


def test_renditions_and_img_tag():
    name = default_storage.save("heroes/test.jpg", io.BytesIO(image_bytes(size=(1600, 900))))
    renditions = make_renditions(default_storage, name)
    assert [(r["w"], r["h"]) for r in renditions] == [
        (480, 270),
        (800, 450),
        (1200, 675),
        (1600, 900),
    ]
    for rendition in renditions:
        with default_storage.open(rendition["name"]) as fh:
            assert Image.open(fh).size == (rendition["w"], rendition["h"])
    # The resized copies are WebP; the original stays the JPEG that was stored.
    assert [r["name"].rsplit(".", 1)[1] for r in renditions] == ["webp"] * 3 + ["jpg"]
    with default_storage.open(renditions[1]["name"]) as fh:
        assert Image.open(fh).format == "WEBP"
    html = img_tag(renditions, 'A "runner"', sizes="100vw", lazy=True)
    assert 'width="1600" height="900"' in html
    assert "480w" in html and "1600w" in html
    assert 'loading="lazy"' in html
    assert 'alt="A &quot;runner&quot;"' in html
    assert 'fetchpriority="high"' in img_tag(renditions, "x", lazy=False)


def test_renditions_are_smaller_than_jpegs_and_keep_transparency():
    # A photograph-like picture (a gradient with detail), where the formats differ the most.
    picture = Image.radial_gradient("L").resize((1600, 900)).convert("RGB")
    picture = Image.blend(picture, Image.effect_noise((1600, 900), 24).convert("RGB"), 0.3)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    name = default_storage.save("heroes/photo.jpg", buffer)
    webp = make_renditions(default_storage, name)[1]
    with default_storage.open(webp["name"]) as fh:
        image = Image.open(fh)
        image.load()
    jpeg = io.BytesIO()
    image.convert("RGB").save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    assert default_storage.size(webp["name"]) < 0.8 * len(jpeg.getvalue())
    logo = image_bytes(size=(1000, 500), fmt="PNG", mode="RGBA", colour=(200, 80, 30, 0))
    name = default_storage.save("products/logo.png", io.BytesIO(logo))
    with default_storage.open(make_renditions(default_storage, name)[0]["name"]) as fh:
        assert Image.open(fh).mode == "RGBA"


def test_small_images_get_no_upscaled_renditions():
    name = default_storage.save("heroes/small.jpg", io.BytesIO(image_bytes(size=(500, 300))))
    assert [r["w"] for r in make_renditions(default_storage, name)] == [480, 500]


def test_editor_images_get_srcset_from_their_name():
    url = save_editor_image(io.BytesIO(image_bytes(size=(2000, 1000))))
    assert url.endswith("-1600x800.jpg")
    html = enhance_images(f'<p><img src="{url}" alt="Stretch"></p>')
    assert 'width="1600" height="800"' in html
    assert 'loading="lazy"' in html
    for width, height in [(480, 240), (800, 400), (1200, 600)]:
        candidate = url.replace("-1600x800.jpg", f"-{width}x{height}.jpg")
        assert f"{candidate} {width}w" in html
        assert default_storage.exists(candidate.removeprefix("/media/"))


def test_other_images_are_only_made_lazy():
    html = enhance_images('<img src="https://example.com/a.jpg" alt="x">')
    assert html == '<img src="https://example.com/a.jpg" alt="x" loading="lazy" decoding="async">'
