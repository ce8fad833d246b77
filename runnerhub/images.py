"""Image handling shared by every app: validation, metadata stripping and resized renditions.

Every upload goes through Pillow: it must be a real, complete image of a sane size. What is
stored is re-encoded from the pixels, so EXIF (GPS, camera serials) and other metadata never
reach the public. Renditions are made once, at save time, and their sizes are kept with the
record, so rendering a page needs no file-system or storage call.
"""

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from html import unescape
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
RENDITION_WIDTHS = (480, 800, 1200, 1600)
MAX_STORED_WIDTH = 2400
JPEG_QUALITY = 82
# Renditions (what pages show) are WebP, which every current browser shows: at this quality
# they are a third to a half of the size of the JPEG at JPEG_QUALITY. The stored original
# stays as uploaded (JPEG unless it has transparency), for emails, link previews and any
# reader whose browser skips the srcset.
RENDITION_QUALITY = 80


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def _open_checked(fileobj) -> Image.Image:
    """Open and fully decode an upload, or raise a ValidationError that says what is wrong."""
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    if size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s. Please upload a smaller file."),
            code="image_too_big",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES),
            },
        )
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("%(format)s images are not supported: upload a JPEG, PNG, GIF or WebP."),
                    code="image_format",
                    params={"format": image.format},
                )
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels (at most %(limit)s megapixels)."),
            code="image_pixels",
            params={"limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not an image, or not one we can read. Upload a JPEG, PNG or WebP."),
            code="not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("This image is damaged or incomplete (truncated). Please export it again."),
            code="image_damaged",
        ) from None
    if image.width < 1 or image.height < 1:
        raise ValidationError(_("This image is empty."), code="image_empty")
    return image


def _encode(image: Image.Image, has_alpha: bool) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(buffer, "WEBP", quality=JPEG_QUALITY, method=4)
        return buffer.getvalue(), "webp"
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue(), "jpg"


def _encode_rendition(image: Image.Image, has_alpha: bool) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGBA" if has_alpha else "RGB").save(
        buffer, "WEBP", quality=RENDITION_QUALITY, method=4
    )
    return buffer.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def clean_image(fileobj, max_width: int = MAX_STORED_WIDTH) -> CleanImage:
    """Validate an upload and re-encode it from its pixels: upright, no metadata, bounded."""
    image = _open_checked(fileobj)
    if getattr(image, "is_animated", False):
        image.seek(0)
    image = ImageOps.exif_transpose(image)
    if image.width > max_width:
        image = image.resize(
            (max_width, round(image.height * max_width / image.width)), Image.Resampling.LANCZOS
        )
    content, extension = _encode(image, _has_alpha(image))
    return CleanImage(content, extension, image.width, image.height)


def make_renditions(storage: Storage, name: str) -> list[dict]:
    """Write smaller copies of a stored image (WebP); return them with the original, smallest
    first."""
    with storage.open(name) as fh:
        image = Image.open(fh)
        image.load()
    has_alpha = _has_alpha(image)
    path = PurePosixPath(name)
    renditions = []
    for width in RENDITION_WIDTHS:
        if width >= image.width:
            break
        height = round(image.height * width / image.width)
        content = _encode_rendition(
            image.resize((width, height), Image.Resampling.LANCZOS), has_alpha
        )
        target = f"renditions/{path.parent}/{path.stem}-{width}w.webp"
        if storage.exists(target):
            storage.delete(target)
        renditions.append(
            {"name": storage.save(target, ContentFile(content)), "w": width, "h": height}
        )
    renditions.append({"name": name, "w": image.width, "h": image.height})
    return renditions


class ValidatedImageFormField(forms.ImageField):
    """An image form field whose cleaned value is the validated, metadata-free re-encoding."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        try:
            cleaned = clean_image(data)
        except ValidationError as error:
            raise ValidationError(error.messages[0], code=error.code) from None
        stem = PurePosixPath(data.name or "image").stem[:60] or "image"
        return SimpleUploadedFile(
            f"{stem}.{cleaned.extension}",
            cleaned.content,
            content_type="image/webp" if cleaned.extension == "webp" else "image/jpeg",
        )


class SafeImageField(models.ImageField):
    """ImageField whose admin and form uploads are validated and stripped of metadata."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ValidatedImageFormField, **kwargs})


def save_editor_image(fileobj, storage: Storage = default_storage) -> str:
    """Store an image uploaded from the rich-text editor with its renditions; return its URL.

    The stored name carries the pixel size (`<token>-<w>x<h>.<ext>`) so that pages can give
    the image width, height and srcset from the HTML alone.
    """
    cleaned = clean_image(fileobj, max_width=RENDITION_WIDTHS[-1])
    folder = timezone.now().strftime("editor/%Y/%m")
    token = secrets.token_hex(8)
    name = storage.save(
        f"{folder}/{token}-{cleaned.width}x{cleaned.height}.{cleaned.extension}",
        ContentFile(cleaned.content),
    )
    image = Image.open(io.BytesIO(cleaned.content))
    for width in RENDITION_WIDTHS:
        if width >= cleaned.width:
            break
        height = round(cleaned.height * width / cleaned.width)
        content, _ext = _encode(
            image.resize((width, height), Image.Resampling.LANCZOS), cleaned.extension == "webp"
        )
        storage.save(f"{folder}/{token}-{width}x{height}.{cleaned.extension}", ContentFile(content))
    return storage.url(name)


def media_base_url(storage: Storage = default_storage) -> str:
    """The address every stored file's URL starts with: MEDIA_URL on the file system, the
    bucket's (or its custom domain's) address on S3."""
    return storage.url("x").removesuffix("x")


_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
# ASCII digits of a bounded length: int() of a hand-edited 5,000-digit size would fail.
_EDITOR_NAME = re.compile(
    r"/editor/[0-9]{4}/[0-9]{2}/([0-9a-f]{16})-([0-9]{1,5})x([0-9]{1,5})\.(jpg|webp)\Z"
)


def enhance_images(html: str, sizes: str = "(min-width: 760px) 720px, 100vw") -> str:
    """Give the images in sanitized HTML lazy loading, and for editor uploads their size and a
    srcset of the renditions made at upload time."""

    def rewrite(match: re.Match) -> str:
        attrs = dict(_ATTR.findall(match.group(1)))
        found = _EDITOR_NAME.search(attrs.get("src", ""))
        if found:
            token, width, height, ext = found.groups()
            width, height = int(width), int(height)
            base = attrs["src"][: found.start()] + found.group(0).rsplit("/", 1)[0]
            candidates = [
                f"{base}/{token}-{w}x{round(height * w / width)}.{ext} {w}w"
                for w in RENDITION_WIDTHS
                if w < width
            ]
            candidates.append(f"{attrs['src']} {width}w")
            attrs.update(width=str(width), height=str(height), srcset=", ".join(candidates))
            attrs["sizes"] = sizes
        attrs.setdefault("alt", "")
        attrs.update(loading="lazy", decoding="async")
        return "<img " + " ".join(f'{key}="{value}"' for key, value in attrs.items()) + ">"

    return _IMG_TAG.sub(rewrite, html)


def thumbnail_html(image, renditions: list[dict], width: int) -> str:
    """An admin thumbnail of an image field from its smallest rendition ("—" without one);
    alt="" since the row or field beside it names what it shows."""
    if not renditions:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" style="height:auto;border-radius:4px">',
        image.storage.url(renditions[0]["name"]),
        width,
    )


def images_without_alt(html: str) -> list[str]:
    """The file names of the images in sanitized HTML that have no description (alt text),
    in order: readers who cannot see them would get nothing."""
    names = []
    for match in _IMG_TAG.finditer(html or ""):
        attrs = dict(_ATTR.findall(match.group(1)))
        if not unescape(attrs.get("alt", "")).strip():
            src = unescape(attrs.get("src", ""))
            names.append(PurePosixPath(urlsplit(src).path).name or src[:80])
    return names


def missing_alt_warning(html: str) -> str:
    """What admin says after saving rich text (an article, a newsletter issue) whose images
    lack a description; "" when every image has one."""
    missing = images_without_alt(html)
    if not missing:
        return ""
    return ngettext(
        "Saved, but %(count)d image in the body has no description (alt text): "
        "%(names)s. Readers who cannot see it get nothing: select it in the "
        "editor and press “Change image text alternative”.",
        "Saved, but %(count)d images in the body have no description (alt text): "
        "%(names)s. Readers who cannot see them get nothing: select each in the "
        "editor and press “Change image text alternative”.",
        len(missing),
    ) % {"count": len(missing), "names": ", ".join(missing)}


def img_tag(
    renditions: list[dict],
    alt: str,
    *,
    sizes: str = "100vw",
    lazy: bool = True,
    css_class: str = "",
    storage: Storage = default_storage,
) -> str:
    """An <img> with srcset, width and height for renditions made by make_renditions()."""
    if not renditions:
        return ""
    largest = renditions[-1]
    default = next((r for r in renditions if r["w"] >= 800), largest)
    srcset = ", ".join(f"{escape(storage.url(r['name']))} {r['w']}w" for r in renditions)
    loading = 'loading="lazy" decoding="async"' if lazy else 'fetchpriority="high"'
    css = f' class="{escape(css_class)}"' if css_class else ""
    return (
        f'<img src="{escape(storage.url(default["name"]))}" srcset="{srcset}" '
        f'sizes="{escape(sizes)}" width="{largest["w"]}" height="{largest["h"]}" '
        f'alt="{escape(alt)}" {loading}{css}>'
    )
