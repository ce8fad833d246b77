"""Demo content for the shop: categories, products with generated pictures, the long hamstring
article's gear box and the calls to action in its body.

Running it again adds nothing twice: categories and products are found by slug, the gear box
is filled only while empty and the body blocks are placed only while it has no `[shop ...]`.
"""

import io
import itertools
import math
from collections.abc import Callable
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

from articles.models import Article
from runnerhub.images import clean_image
from shop.models import ArticleProduct, Product, ShopCategory

from .content.shop import BODY_BLOCKS, CATEGORIES, GEAR, LONG_ARTICLE, PRODUCTS


def load(stdout) -> None:
    categories = {}
    for data in CATEGORIES:
        fields = {k: v for k, v in data.items() if k != "slug"}
        category, created = ShopCategory.objects.get_or_create(slug=data["slug"], defaults=fields)
        categories[category.slug] = category
        stdout.write(f"  category {category.name}: {'added' if created else 'already there'}")
    total = len(PRODUCTS)
    for number, data in enumerate(PRODUCTS, start=1):
        label = f"  [{number}/{total}] {data['brand']} {data['name']}"
        if Product.objects.filter(slug=data["slug"]).exists():
            stdout.write(f"{label}: already there")
            continue
        _product(data, categories[data["category"]])
        stdout.write(f"{label}: added")

    article = Article.objects.filter(slug=LONG_ARTICLE).first()
    if article is None:
        stdout.write("  the hamstring article is missing: no gear box or calls to action")
        return
    _gear_box(article, stdout)
    _body_blocks(article, stdout)


def _product(data: dict, category: ShopCategory) -> Product:
    product = Product(
        name=data["name"],
        slug=data["slug"],
        brand=data["brand"],
        category=category,
        short_description=data["short_description"],
        price=Decimal(data["price"]),
        currency="GBP",
        url=f"{category.url}{data['slug']}/",
        is_sponsored=data.get("is_sponsored", False),
        image_alt=data["image_alt"],
    )
    image = clean_image(io.BytesIO(make_product_image(data["drawing"])))
    product.image.save(f"{data['slug']}.{image.extension}", ContentFile(image.content), save=False)
    product.save()
    return product


def _gear_box(article: Article, stdout) -> None:
    if ArticleProduct.objects.filter(article=article).exists():
        stdout.write(f"  gear box of “{article.title}”: already there")
        return
    products = Product.objects.in_bulk([slug for slug, _note in GEAR], field_name="slug")
    ArticleProduct.objects.bulk_create(
        ArticleProduct(article=article, product=products[slug], note=note, order=order)
        for order, (slug, note) in enumerate(GEAR)
        if slug in products
    )
    stdout.write(f"  gear box of “{article.title}”: {len(products)} products added")


def _body_blocks(article: Article, stdout) -> None:
    if "[shop " in article.body:
        stdout.write(f"  calls to action in “{article.title}”: already there")
        return
    body, placed = insert_blocks(article.body)
    if not placed:
        stdout.write(f"  calls to action in “{article.title}”: no product paragraphs found")
        return
    article.body = body
    article.save()
    stdout.write(f"  calls to action in “{article.title}”: {', '.join(placed)} added")


def insert_blocks(body: str) -> tuple[str, list[str]]:
    """Put each of BODY_BLOCKS after the paragraph that mentions its product."""
    placed = []
    for marker, block in BODY_BLOCKS:
        start = body.find(marker)
        end = body.find("</p>", start) if start != -1 else -1
        if end == -1:
            continue
        end += len("</p>")
        body = f"{body[:end]}\n{block}{body[end:]}"
        placed.append(block.removeprefix("<p>").removesuffix("</p>"))
    return body, placed


# Product pictures -----------------------------------------------------------------------------
#
# Flat illustrations drawn with Pillow: no fonts, no files, no randomness, so the same product
# always gets the same picture. Coordinates are written for an 800 x 800 picture; drawing
# happens at twice that size and is scaled down, which smooths the edges.

SIZE = 800
K = 2
S = SIZE * K

RGB = tuple[int, int, int]

NAVY: RGB = (15, 27, 45)
NAVY_3: RGB = (36, 56, 90)
ORANGE: RGB = (255, 90, 31)
WHITE: RGB = (255, 255, 255)


def _k(*values: float) -> list[float]:
    return [v * K for v in values]


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    t = max(0.0, min(1.0, t))
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _light(c: RGB, t: float) -> RGB:
    return _mix(c, WHITE, t)


def _dark(c: RGB, t: float) -> RGB:
    return _mix(c, (0, 0, 0), t)


def _rgba(c: RGB, alpha: int = 255) -> tuple[int, int, int, int]:
    return (*c, alpha)


def _layer() -> Image.Image:
    return Image.new("RGBA", (S, S), (0, 0, 0, 0))


def _mask() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    mask = Image.new("L", (S, S), 0)
    return mask, ImageDraw.Draw(mask)


def _place(canvas: Image.Image, layer: Image.Image, angle: float = 0) -> None:
    if angle:
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, center=(S / 2, S / 2))
    canvas.alpha_composite(layer)


def _cylinder_light(t: float) -> float:
    """Brightness across a cylinder lit from above left: 0 (shadow side) to 1 (highlight)."""
    return max(0.0, math.cos((t - 0.3) * math.pi / 1.45))


def _shaded(
    layer: Image.Image, mask: Image.Image, base: RGB, start: float, end: float, axis: str = "y"
) -> None:
    """Fill `mask` on `layer` with `base`, shaded like a cylinder between start and end."""
    start, end = start * K, end * K
    ramp = []
    for i in range(S):
        t = (i - start) / max(1.0, end - start)
        v = _cylinder_light(t)
        ramp.append(_rgba(_mix(_dark(base, 0.32), _light(base, 0.28), v)))
    strip = Image.new("RGBA", (1, S) if axis == "y" else (S, 1))
    strip.putdata(ramp)
    fill = strip.resize((S, S), Image.Resampling.NEAREST)
    layer.paste(fill, (0, 0), mask)


def _background(top: RGB, bottom: RGB) -> Image.Image:
    gradient = Image.linear_gradient("L").resize((S, S))
    canvas = Image.composite(
        Image.new("RGBA", (S, S), _rgba(bottom)), Image.new("RGBA", (S, S), _rgba(top)), gradient
    )
    glow, d = _mask()
    d.ellipse(_k(150, 120, 650, 620), fill=150)
    glow = glow.filter(ImageFilter.GaussianBlur(70 * K))
    canvas = Image.composite(Image.new("RGBA", (S, S), _rgba(WHITE)), canvas, glow)
    # Three "speed stripes", the site's nod to the track, in a deeper tint of the background.
    d = ImageDraw.Draw(canvas)
    stripe = _rgba(_dark(bottom, 0.07))
    for i, length in enumerate((150, 110, 70)):
        x, y = 640 - i * 18, 92 + i * 30
        d.rounded_rectangle(_k(x - length, y, x, y + 12), radius=6 * K, fill=stripe)
    return canvas


def _floor_shadow(canvas: Image.Image, box: tuple[float, ...], opacity: int = 70) -> None:
    layer = _layer()
    ImageDraw.Draw(layer).ellipse(_k(*box), fill=_rgba(NAVY, opacity))
    canvas.alpha_composite(layer.filter(ImageFilter.GaussianBlur(16 * K)))


def _foam_roller(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (150, 560, 690, 640))
    layer = _layer()
    d = ImageDraw.Draw(layer)
    cy, r, e = 390, 130, 48
    x0, x1 = 170, 630
    body = ORANGE
    mask, m = _mask()
    m.rectangle(_k(x0, cy - r, x1, cy + r), fill=255)
    m.ellipse(_k(x0 - e, cy - r, x0 + e, cy + r), fill=255)
    _shaded(layer, mask, body, cy - r, cy + r)
    # Raised grid: rows of pads that follow the curve of the roller.
    for row in range(7):
        theta = math.radians(-72 + row * 24)
        y = cy + r * math.sin(theta)
        h = 15 * math.cos(theta) + 2
        shade = _mix(_dark(body, 0.28), _light(body, 0.3), _cylinder_light((y - cy + r) / (2 * r)))
        for col in range(11):
            x = x0 + e + 16 + col * 39 + (19 if row % 2 else 0) - e * math.cos(theta)
            if x > x1 - 26 - e * math.cos(theta):
                continue
            d.rounded_rectangle(_k(x - 12, y - h, x + 12, y + h), radius=6 * K, fill=shade)
            d.line(_k(x - 8, y - h + 2, x + 8, y - h + 2), fill=_rgba(_light(shade, 0.35)), width=K)
    # The near end: foam ring and a hollow navy core.
    d.ellipse(_k(x1 - e, cy - r, x1 + e, cy + r), fill=_rgba(_light(body, 0.22)))
    d.ellipse(_k(x1 - e * 0.78, cy - r * 0.78, x1 + e * 0.78, cy + r * 0.78), fill=_rgba(body))
    d.ellipse(_k(x1 - e * 0.5, cy - r * 0.5, x1 + e * 0.5, cy + r * 0.5), fill=_rgba(NAVY_3))
    d.ellipse(_k(x1 - e * 0.36, cy - r * 0.4, x1 + e * 0.4, cy + r * 0.46), fill=_rgba(NAVY))
    _place(canvas, layer, 12)


def _massage_stick(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (110, 585, 700, 645))
    layer = _layer()
    d = ImageDraw.Draw(layer)
    cy = 400
    d.rounded_rectangle(_k(190, cy - 12, 610, cy + 12), radius=12 * K, fill=_rgba(NAVY_3))
    teal = (20, 150, 140)
    rollers, m = _mask()
    width, gap, start = 37, 5, 214
    for i in range(9):
        x = start + i * (width + gap)
        m.rounded_rectangle(_k(x, cy - 56, x + width, cy + 56), radius=15 * K, fill=255)
    _shaded(layer, rollers, teal, cy - 56, cy + 56)
    for i in range(9):
        x = start + i * (width + gap)
        for y in range(cy - 40, cy + 44, 16):
            d.ellipse(_k(x + 14, y - 3, x + 23, y + 3), fill=_rgba(_dark(teal, 0.25), 150))
    handles, m = _mask()
    m.rounded_rectangle(_k(80, cy - 38, 212, cy + 38), radius=38 * K, fill=255)
    m.rounded_rectangle(_k(588, cy - 38, 720, cy + 38), radius=38 * K, fill=255)
    _shaded(layer, handles, NAVY_3, cy - 38, cy + 38)
    for x0 in (80, 588):
        for i in range(5):
            x = x0 + 34 + i * 16
            d.line(_k(x, cy - 30, x, cy + 30), fill=_rgba(_dark(NAVY_3, 0.35)), width=3 * K)
    for x in (86, 702):
        d.rounded_rectangle(_k(x, cy - 30, x + 12, cy + 30), radius=6 * K, fill=_rgba(ORANGE))
    _place(canvas, layer, 20)


def _massage_ball(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (200, 600, 600, 660), 80)
    layer = _layer()
    d = ImageDraw.Draw(layer)
    cx, cy, r = 400, 390, 205
    purple = (124, 77, 214)
    spikes = 34
    for i in range(spikes):
        a = 2 * math.pi * i / spikes
        points = []
        for da, radius in ((-0.075, r - 6), (0, r + 30), (0.075, r - 6)):
            points.append(
                (cx * K + radius * K * math.cos(a + da), cy * K + radius * K * math.sin(a + da))
            )
        d.polygon(points, fill=_rgba(_dark(purple, 0.2 if math.sin(a) < 0.3 else 0.38)))
    steps = 48
    for i in range(steps):
        t = i / steps
        radius = r * (1 - 0.86 * t)
        ox, oy = -0.34 * r * t, -0.38 * r * t
        colour = _mix(_dark(purple, 0.3), _light(purple, 0.3), t**0.7)
        d.ellipse(
            _k(cx + ox - radius, cy + oy - radius, cx + ox + radius, cy + oy + radius),
            fill=_rgba(colour),
        )
    # Soft nubs on the surface: points on a tilted sphere, drawn where they face us.
    tilt = math.radians(24)
    for lat_step in range(-3, 4):
        lat = math.radians(lat_step * 24)
        count = max(1, round(12 * math.cos(lat)))
        for j in range(count):
            lon = 2 * math.pi * j / count + lat_step * 0.3
            x, y, z = math.cos(lat) * math.sin(lon), math.sin(lat), math.cos(lat) * math.cos(lon)
            y, z = y * math.cos(tilt) - z * math.sin(tilt), y * math.sin(tilt) + z * math.cos(tilt)
            if z < 0.2:
                continue
            px, py = cx + r * 0.9 * x, cy + r * 0.9 * y
            size = 15 * (0.35 + 0.65 * z)
            light = 0.5 - 0.45 * (x + y) / 2
            fill = _mix(_dark(purple, 0.2), _light(purple, 0.45), light)
            d.ellipse(_k(px - size, py - size, px + size, py + size), fill=_rgba(fill))
            d.ellipse(
                _k(px - size * 0.55, py - size * 0.65, px + size * 0.1, py - size * 0.05),
                fill=_rgba(_light(fill, 0.4)),
            )
    shine = _layer()
    ImageDraw.Draw(shine).ellipse(_k(265, 235, 365, 305), fill=(255, 255, 255, 120))
    layer.alpha_composite(shine.filter(ImageFilter.GaussianBlur(14 * K)))
    _place(canvas, layer)


def _tape_roll(layer: Image.Image, cx: float, cy: float, r: float, colour: RGB) -> None:
    """A roll seen three-quarters on: the tape's width runs to the left."""
    d = ImageDraw.Draw(layer)
    rx, depth = r * 0.62, r * 0.55
    side, m = _mask()
    m.rectangle(_k(cx - depth, cy - r, cx, cy + r), fill=255)
    m.ellipse(_k(cx - depth - rx, cy - r, cx - depth + rx, cy + r), fill=255)
    _shaded(layer, side, colour, cy - r, cy + r)
    d.ellipse(_k(cx - rx, cy - r, cx + rx, cy + r), fill=_rgba(_light(colour, 0.18)))
    for f in (0.86, 0.72, 0.6):
        d.ellipse(
            _k(cx - rx * f, cy - r * f, cx + rx * f, cy + r * f),
            outline=_rgba(_dark(colour, 0.08)),
            width=2 * K,
        )
    core = (222, 196, 150)
    d.ellipse(_k(cx - rx * 0.47, cy - r * 0.47, cx + rx * 0.47, cy + r * 0.47), fill=_rgba(core))
    d.ellipse(
        _k(cx - rx * 0.38, cy - r * 0.38, cx + rx * 0.38, cy + r * 0.38),
        fill=_rgba(_dark(core, 0.3)),
    )
    d.ellipse(
        _k(cx - rx * 0.3, cy - r * 0.38, cx + rx * 0.38, cy + r * 0.38),
        fill=_rgba(_dark(core, 0.12)),
    )


def _kinesiology_tape(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (110, 575, 720, 650))
    blue, pink = (40, 120, 215), (232, 72, 132)
    layer = _layer()
    _tape_roll(layer, 340, 330, 130, blue)
    _place(canvas, layer)
    layer = _layer()
    d = ImageDraw.Draw(layer)
    cx, cy, r = 500, 430, 160
    # The unrolled strip comes off the bottom of the roll and lies on the floor.
    strip = [
        (cx - 88, cy + r - 6),
        (cx - 4, cy + r - 6),
        (cx + 220, cy + r + 22),
        (cx + 200, cy + r + 60),
        (cx - 96, cy + r + 44),
    ]
    d.polygon([tuple(_k(x, y)) for x, y in strip], fill=_rgba(_dark(pink, 0.08)))
    d.line(
        _k(cx - 60, cy + r + 12, cx + 190, cy + r + 38), fill=_rgba(_light(pink, 0.25)), width=3 * K
    )
    d.ellipse(_k(cx + 190, cy + r + 22, cx + 228, cy + r + 60), fill=_rgba(_dark(pink, 0.08)))
    _tape_roll(layer, cx, cy, r, pink)
    _place(canvas, layer)


def _calf_sleeve(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (240, 640, 600, 700), 60)
    layer = _layer()
    d = ImageDraw.Draw(layer)
    cx, top, bottom = 400, 130, 660
    profile = [(0, 118), (0.14, 128), (0.3, 132), (0.48, 118), (0.68, 92), (0.86, 76), (1, 74)]

    def half_width(t: float) -> float:
        for (t0, w0), (t1, w1) in itertools.pairwise(profile):
            if t <= t1:
                f = (1 - math.cos(math.pi * (t - t0) / (t1 - t0))) / 2
                return w0 + (w1 - w0) * f
        return profile[-1][1]

    def lean(t: float) -> float:
        return 10 * math.sin(math.pi * t) - 6 * t

    samples = [i / 60 for i in range(61)]
    left = [(cx + lean(t) - half_width(t), top + (bottom - top) * t) for t in samples]
    right = [(cx + lean(t) + half_width(t), top + (bottom - top) * t) for t in reversed(samples)]
    mask, m = _mask()
    m.polygon([tuple(_k(x, y)) for x, y in left + right], fill=255)
    w_end, x_end = half_width(1), cx + lean(1)
    m.ellipse(_k(x_end - w_end, bottom - 18, x_end + w_end, bottom + 18), fill=255)
    _shaded(layer, mask, NAVY_3, cx - 130, cx + 130, axis="x")
    # Knit ribs and an orange side stripe, kept inside the sleeve.
    detail = _layer()
    dd = ImageDraw.Draw(detail)
    for i in range(3, 30):
        t = i / 30
        y, w, x = top + (bottom - top) * t, half_width(t), cx + lean(t)
        dd.arc(
            _k(x - w, y - 14, x + w, y + 14),
            10,
            170,
            fill=_rgba(_light(NAVY_3, 0.16), 140),
            width=2 * K,
        )
    stripe = [(cx + lean(t) + half_width(t) * 0.45, top + (bottom - top) * t) for t in samples[4:]]
    dd.line([tuple(_k(x, y)) for x, y in stripe], fill=_rgba(ORANGE), width=16 * K, joint="curve")
    clipped = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    clipped.paste(
        detail, (0, 0), Image.composite(detail.getchannel("A"), Image.new("L", (S, S), 0), mask)
    )
    layer.alpha_composite(clipped)
    # The top cuff, and the opening seen from slightly above.
    w0, x0 = half_width(0), cx + lean(0)
    d.ellipse(_k(x0 - w0, top - 26, x0 + w0, top + 26), fill=_rgba(_dark(NAVY_3, 0.35)))
    d.ellipse(_k(x0 - w0, top - 26, x0 + w0, top + 26), outline=_rgba(ORANGE), width=6 * K)
    d.chord(_k(x0 - w0 + 10, top - 18, x0 + w0 - 10, top + 20), 0, 180, fill=_rgba(NAVY))
    _place(canvas, layer, -8)


def _hot_cold_pack(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (150, 575, 670, 650))
    layer = _layer()
    d = ImageDraw.Draw(layer)
    blue = (60, 150, 225)
    d.rounded_rectangle(_k(160, 220, 640, 580), radius=70 * K, fill=_rgba(_light(blue, 0.55)))
    gel, m = _mask()
    m.rounded_rectangle(_k(186, 246, 614, 554), radius=50 * K, fill=255)
    _shaded(layer, gel, blue, 246, 554)
    for row in range(9):
        for col in range(13):
            x = 212 + col * 32 + (16 if row % 2 else 0) + 4 * math.sin(row * 1.7 + col)
            y = 272 + row * 32 + 4 * math.cos(col * 1.3 + row)
            if x > 592:
                continue
            rr = 7 + 2 * math.sin(row * 2.1 + col * 0.7)
            d.ellipse(_k(x - rr, y - rr, x + rr, y + rr), fill=(255, 255, 255, 55))
    # Heat-sealed edge, a hanging hole and a snowflake.
    d.rounded_rectangle(
        _k(172, 232, 628, 568), radius=62 * K, outline=(255, 255, 255, 150), width=3 * K
    )
    d.ellipse(_k(190, 232, 216, 258), fill=(0, 0, 0, 0))
    cx, cy = 400, 400
    d.ellipse(_k(cx - 92, cy - 92, cx + 92, cy + 92), fill=(255, 255, 255, 60))
    for i in range(6):
        a = math.pi / 3 * i
        ex, ey = cx + 68 * math.cos(a), cy + 68 * math.sin(a)
        d.line(_k(cx, cy, ex, ey), fill=_rgba(WHITE), width=9 * K)
        for along in (0.55, 0.8):
            bx, by = cx + 68 * along * math.cos(a), cy + 68 * along * math.sin(a)
            for side in (-1, 1):
                b = a + side * math.radians(45)
                d.line(
                    _k(bx, by, bx + 20 * math.cos(b), by + 20 * math.sin(b)),
                    fill=_rgba(WHITE),
                    width=7 * K,
                )
    d.ellipse(_k(cx - 12, cy - 12, cx + 12, cy + 12), fill=_rgba(WHITE))
    _place(canvas, layer, 8)


def _recovery_cream(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (150, 610, 690, 670))
    green, cream = (46, 140, 96), (246, 241, 228)
    # The jar, behind and to the right.
    layer = _layer()
    d = ImageDraw.Draw(layer)
    jx, top, bottom, rx, ry = 500, 420, 620, 125, 32
    body, m = _mask()
    m.rectangle(_k(jx - rx, top, jx + rx, bottom), fill=255)
    m.ellipse(_k(jx - rx, bottom - ry, jx + rx, bottom + ry), fill=255)
    _shaded(layer, body, cream, jx - rx, jx + rx, axis="x")
    d.rectangle(_k(jx - rx, 480, jx + rx, 570), fill=_rgba(green))
    d.chord(_k(jx - rx, 570 - ry, jx + rx, 570 + ry), 0, 180, fill=_rgba(green))
    _leaf(d, jx, 528, 26)
    lid, m = _mask()
    m.rectangle(_k(jx - rx - 6, 372, jx + rx + 6, top), fill=255)
    m.ellipse(_k(jx - rx - 6, top - ry, jx + rx + 6, top + ry), fill=255)
    _shaded(layer, lid, NAVY_3, jx - rx, jx + rx, axis="x")
    d.ellipse(_k(jx - rx - 6, 372 - ry, jx + rx + 6, 372 + ry), fill=_rgba(_light(NAVY_3, 0.18)))
    for i in range(1, 12):
        x = jx - rx + i * (2 * rx / 12)
        d.line(_k(x, 384, x, top + 12), fill=_rgba(_dark(NAVY_3, 0.25)), width=2 * K)
    _place(canvas, layer)
    # The tube, standing on its cap in front.
    layer = _layer()
    d = ImageDraw.Draw(layer)
    tx = 300
    tube, m = _mask()
    outline = [
        (tx - 118, 175),
        (tx + 118, 175),
        (tx + 96, 520),
        (tx + 50, 560),
        (tx - 50, 560),
        (tx - 96, 520),
    ]
    m.polygon([tuple(_k(x, y)) for x, y in outline], fill=255)
    _shaded(layer, tube, _light(green, 0.1), tx - 118, tx + 118, axis="x")
    crimp, m = _mask()
    m.rectangle(_k(tx - 124, 150, tx + 124, 190), fill=255)
    _shaded(layer, crimp, _light(green, 0.1), tx - 124, tx + 124, axis="x")
    for i in range(1, 16):
        x = tx - 124 + i * 248 / 16
        d.line(_k(x, 152, x, 188), fill=_rgba(_dark(green, 0.22)), width=2 * K)
    d.rounded_rectangle(_k(tx - 92, 290, tx + 92, 410), radius=10 * K, fill=_rgba(cream))
    _leaf(d, tx, 350, 34, green)
    d.rounded_rectangle(
        _k(tx - 50, 430, tx + 50, 446), radius=8 * K, fill=_rgba(_light(green, 0.35))
    )
    cap, m = _mask()
    m.rounded_rectangle(_k(tx - 62, 552, tx + 62, 640), radius=14 * K, fill=255)
    _shaded(layer, cap, NAVY_3, tx - 62, tx + 62, axis="x")
    _place(canvas, layer, -6)


def _leaf(d: ImageDraw.ImageDraw, cx: float, cy: float, size: float, colour: RGB = WHITE) -> None:
    """A simple leaf: two arcs meeting at the tips, and a vein."""
    points = []
    for i in range(21):
        t = i / 20
        points.append((cx - size + 2 * size * t, cy - size * 0.7 * math.sin(math.pi * t)))
    for i in range(21):
        t = 1 - i / 20
        points.append((cx - size + 2 * size * t, cy + size * 0.45 * math.sin(math.pi * t)))
    d.polygon([tuple(_k(x, y)) for x, y in points], fill=_rgba(colour))
    vein = _light(colour, 0.5) if colour != WHITE else (190, 220, 200)
    d.line(
        _k(cx - size * 0.8, cy, cx + size * 0.9, cy - size * 0.12), fill=_rgba(vein), width=2 * K
    )


def _resistance_bands(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (130, 590, 680, 660))
    bands = [
        (NAVY_3, 410, 330, 12),
        (ORANGE, 380, 430, -9),
        ((70, 165, 90), 420, 520, 4),
    ]
    for colour, cx, cy, angle in bands:
        layer = _layer()
        d = ImageDraw.Draw(layer)
        box = _k(cx - 240, cy - 100, cx + 240, cy + 100)
        d.ellipse(box, outline=_rgba(_dark(colour, 0.18)), width=38 * K)
        inner = _k(cx - 234, cy - 96, cx + 234, cy + 92)
        d.ellipse(inner, outline=_rgba(colour), width=28 * K)
        d.arc(
            _k(cx - 226, cy - 92, cx + 226, cy + 84),
            190,
            330,
            fill=_rgba(_light(colour, 0.4)),
            width=5 * K,
        )
        shadow = layer.filter(ImageFilter.GaussianBlur(8 * K))
        shadow = Image.composite(
            Image.new("RGBA", (S, S), _rgba(NAVY, 60)), _layer(), shadow.getchannel("A")
        )
        _place(
            canvas, shadow.transform((S, S), Image.Transform.AFFINE, (1, 0, 0, 0, 1, -8 * K)), angle
        )
        _place(canvas, layer, angle)


DRAWINGS: dict[str, tuple[Callable[[Image.Image], None], RGB, RGB]] = {
    "foam_roller": (_foam_roller, (255, 240, 230), (252, 220, 200)),
    "massage_stick": (_massage_stick, (230, 246, 243), (200, 234, 228)),
    "massage_ball": (_massage_ball, (240, 236, 252), (220, 212, 246)),
    "kinesiology_tape": (_kinesiology_tape, (234, 242, 252), (208, 224, 246)),
    "calf_sleeve": (_calf_sleeve, (248, 242, 232), (236, 224, 204)),
    "hot_cold_pack": (_hot_cold_pack, (232, 244, 252), (204, 228, 246)),
    "recovery_cream": (_recovery_cream, (236, 247, 236), (210, 236, 212)),
    "resistance_bands": (_resistance_bands, (252, 246, 230), (244, 230, 196)),
}


def make_product_image(drawing: str) -> bytes:
    """PNG bytes of an 800 x 800 flat illustration of a product (one of DRAWINGS)."""
    draw, top, bottom = DRAWINGS[drawing]
    canvas = _background(top, bottom)
    draw(canvas)
    picture = canvas.convert("RGB").resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
