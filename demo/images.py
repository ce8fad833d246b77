"""Every picture of the demo, drawn with Pillow: article heroes, the in-article diagram and
product pictures, on one set of colour and drawing helpers.

Pure Pillow: no fonts, no external assets, no text in the images. Every image is
deterministic for a given set of arguments, so demo data can be regenerated and
compared byte for byte.

Shapes are drawn at twice the target resolution and then downsampled, which gives
cheap anti-aliasing for the flat-design polygons ImageDraw produces.
`python -m demo.images` writes samples of each kind to a temporary folder.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter

MOTIFS = ("track", "hills", "road", "trail", "shoe", "bottle")

SUPERSAMPLE = 2
JPEG_QUALITY = 85

RGB = tuple[int, int, int]
Point = tuple[float, float]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


# --------------------------------------------------------------------------- colour helpers


def _hex(colour: str) -> RGB:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if len(value) != 6:
        raise ValueError(f"Not a hex colour: {colour!r}")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """`a` moved towards `b` by t (0: a, 1: b; anything outside counts as the nearer end)."""
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _light(c: RGB, t: float) -> RGB:
    return _mix(c, WHITE, t)


def _dark(c: RGB, t: float) -> RGB:
    return _mix(c, BLACK, t)


def _alpha(c: RGB, a: int = 255) -> tuple[int, int, int, int]:
    return (c[0], c[1], c[2], a)


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _rng(*parts: object) -> random.Random:
    """A random generator seeded from the arguments, stable across processes."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    seed = int.from_bytes(digest[:8], "big")
    # Reproducible pictures, not secrets: a seeded generator is the point.
    return random.Random(seed)  # nosec B311


# --------------------------------------------------------------------------- geometry helpers


def _smooth(points: Sequence[Point], closed: bool = True, steps: int = 10) -> list[Point]:
    """Catmull-Rom spline through the points, returned as a dense polyline."""
    pts = list(points)
    n = len(pts)
    if n < 3:
        return pts
    out: list[Point] = []
    count = n if closed else n - 1
    for i in range(count):
        if closed:
            p0, p1, p2, p3 = pts[i - 1], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
        else:
            p0 = pts[max(i - 1, 0)]
            p1, p2 = pts[i], pts[i + 1]
            p3 = pts[min(i + 2, n - 1)]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(
                (
                    0.5
                    * (
                        2 * p1[0]
                        + (-p0[0] + p2[0]) * t
                        + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                        + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3
                    ),
                    0.5
                    * (
                        2 * p1[1]
                        + (-p0[1] + p2[1]) * t
                        + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                        + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3
                    ),
                )
            )
    if not closed:
        out.append(pts[-1])
    return out


def _thick_line(draw: ImageDraw.ImageDraw, pts: Sequence[Point], colour, width: float) -> None:
    """Polyline with round joints and caps."""
    w = max(1, round(width))
    draw.line([tuple(p) for p in pts], fill=colour, width=w, joint="curve")
    r = width / 2
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB, diagonal: float = 0.25) -> Image.Image:
    """Vertical gradient, tilted towards a diagonal by `diagonal` (0..1)."""
    vertical = Image.linear_gradient("L")
    horizontal = vertical.rotate(90)
    mask = Image.blend(vertical, horizontal, diagonal).resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _glow(img: Image.Image, cx: float, cy: float, r: float, colour: RGB, strength: int) -> None:
    """Soft radial glow, blurred at low resolution for speed."""
    w, h = img.size
    k = 8
    small = Image.new("L", (max(1, w // k), max(1, h // k)), 0)
    d = ImageDraw.Draw(small)
    d.ellipse(((cx - r) / k, (cy - r) / k, (cx + r) / k, (cy + r) / k), fill=strength)
    small = small.filter(ImageFilter.GaussianBlur(r / k * 0.6))
    mask = small.resize((w, h), Image.Resampling.BILINEAR)
    img.paste(Image.new("RGB", (w, h), colour), (0, 0), mask)


def _sun(img: Image.Image, cx: float, cy: float, r: float, colour: RGB) -> None:
    _glow(img, cx, cy, r * 2.6, colour, 120)
    d = ImageDraw.Draw(img, "RGBA")
    d.ellipse((cx - r * 1.35, cy - r * 1.35, cx + r * 1.35, cy + r * 1.35), fill=_alpha(colour, 60))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)


def _grain(img: Image.Image, seed: random.Random, amount: int = 10) -> Image.Image:
    tile_size = 256
    noise = Image.frombytes("L", (tile_size, tile_size), seed.randbytes(tile_size * tile_size))
    lo, span = 128 - amount, amount * 2
    noise = noise.point(lambda v: lo + v * span // 255)
    w, h = img.size
    layer = Image.new("L", (w, h))
    for y in range(0, h, tile_size):
        for x in range(0, w, tile_size):
            layer.paste(noise, (x, y))
    return ImageChops.soft_light(img, Image.merge("RGB", (layer, layer, layer)))


def _vignette(img: Image.Image, strength: int = 70) -> Image.Image:
    w, h = img.size
    mask = Image.radial_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    # radial_gradient is 0 in the centre and 255 at the edge: keep only the outer part.
    mask = mask.point(lambda v: max(0, min(255, (v - 150) * strength // 100)))
    return Image.composite(_dark_image(img), img, mask)


def _dark_image(img: Image.Image) -> Image.Image:
    return img.point(lambda v: v * 62 // 100)


def _runner(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    size: float,
    colour,
    facing: int = 1,
) -> None:
    """A stylised runner mid-stride; (x, y) is the ground point, size the figure height."""

    def p(px: float, py: float) -> Point:
        return (x + px * size * facing, y + py * size)

    lw = size * 0.085
    # back arm and back leg first so the front limbs overlap them
    _thick_line(draw, [p(0.05, -0.73), p(-0.13, -0.60), p(-0.09, -0.47)], colour, lw)
    _thick_line(draw, [p(-0.02, -0.45), p(-0.12, -0.24), p(-0.33, -0.16)], colour, lw)
    _thick_line(draw, [p(0.06, -0.76), p(-0.02, -0.45)], colour, lw * 1.35)
    _thick_line(draw, [p(-0.02, -0.45), p(0.19, -0.30), p(0.12, -0.04), p(0.19, -0.02)], colour, lw)
    _thick_line(draw, [p(0.05, -0.73), p(0.20, -0.60), p(0.30, -0.70)], colour, lw)
    hx, hy = p(0.11, -0.89)
    hr = size * 0.075
    draw.ellipse((hx - hr, hy - hr, hx + hr, hy + hr), fill=colour)


# --------------------------------------------------------------------------- scene palette


class _Palette:
    """Derived colours for a scene from the two palette colours."""

    def __init__(self, palette: Sequence[str]):
        if len(palette) < 2:
            raise ValueError("palette needs two hex colours")
        a, b = _hex(palette[0]), _hex(palette[1])
        # `deep` is the darker of the two, `accent` the lighter.
        if _luma(a) > _luma(b):
            a, b = b, a
        self.deep = a
        self.accent = b
        self.sky_top = _dark(a, 0.1)
        self.sky_bottom = _light(_mix(a, b, 0.75), 0.25)
        self.sun = _light(b, 0.55)
        self.ground_far = _mix(_mix(a, b, 0.35), (255, 255, 255), 0.1)
        self.ground_mid = _mix(a, b, 0.2)
        self.ground_near = _dark(a, 0.35)
        self.ink = _dark(a, 0.6)
        self.white = (250, 248, 242)


# --------------------------------------------------------------------------- motifs


def _scene_track(img: Image.Image, pal: _Palette, rnd: random.Random) -> None:
    w, h = img.size
    d = ImageDraw.Draw(img, "RGBA")
    _sun(img, w * 0.78, h * 0.26, h * 0.11, pal.sun)

    # far stadium stand: a band of soft blocks along the horizon
    horizon = h * 0.42
    stand = _mix(pal.deep, pal.sky_bottom, 0.55)
    d.rectangle((0, horizon - h * 0.07, w, horizon + 2), fill=stand)
    step = w / 26
    for i in range(27):
        bh = h * (0.015 + 0.02 * ((i * 7) % 5) / 4)
        d.rectangle((i * step, horizon - h * 0.07 - bh, i * step + step * 0.8, horizon), fill=stand)
    for i in range(0, 27, 6):
        x = i * step + step * 0.4
        d.line((x, horizon - h * 0.22, x, horizon), fill=_dark(stand, 0.2), width=max(2, w // 500))
        d.rectangle(
            (x - w * 0.018, horizon - h * 0.24, x + w * 0.018, horizon - h * 0.21),
            fill=_light(stand, 0.35),
        )

    # infield grass then the bend of the track as concentric ellipses
    infield = _mix(pal.deep, (70, 140, 90), 0.45)
    d.rectangle((0, horizon, w, h), fill=_dark(infield, 0.1))
    track = _mix(pal.accent, (200, 80, 55), 0.55)
    # The bend of the track seen from the stands: concentric ellipses whose centre
    # sits below the frame, flattened vertically for perspective.
    cx, cy = w * 0.22, h * 1.55
    lanes = 8
    outer_ry = cy - (horizon + h * 0.06)
    inner_ry = outer_ry * 0.58
    squash = 2.1
    outer_rx, inner_rx = outer_ry * squash, inner_ry * squash
    # apron around the track
    apron = h * 0.035
    d.ellipse(
        (
            cx - outer_rx - apron * squash,
            cy - outer_ry - apron,
            cx + outer_rx + apron * squash,
            cy + outer_ry + apron,
        ),
        fill=_light(track, 0.35),
    )
    d.ellipse((cx - outer_rx, cy - outer_ry, cx + outer_rx, cy + outer_ry), fill=track)
    line = max(2, round(w / 520))
    for i in range(lanes + 1):
        t = i / lanes
        rx = inner_rx + (outer_rx - inner_rx) * t
        ry = inner_ry + (outer_ry - inner_ry) * t
        d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=_alpha(pal.white, 230), width=line)
    d.ellipse((cx - inner_rx, cy - inner_ry, cx + inner_rx, cy + inner_ry), fill=infield)
    # a few stripes mown into the infield
    for i in range(6):
        rx = inner_rx * (0.9 - i * 0.14)
        ry = inner_ry * (0.9 - i * 0.14)
        d.ellipse(
            (cx - rx, cy - ry, cx + rx, cy + ry),
            fill=_alpha(_light(infield, 0.08) if i % 2 == 0 else _dark(infield, 0.05), 255),
        )
    # staggered start marks across the lanes
    for i in range(lanes):
        t = (i + 0.5) / lanes
        rx = inner_rx + (outer_rx - inner_rx) * t
        ry = inner_ry + (outer_ry - inner_ry) * t
        ang = math.radians(-62 + i * 3.2)
        mx, my = cx + rx * math.cos(ang), cy + ry * math.sin(ang)
        d.ellipse((mx - line * 3, my - line * 3, mx + line * 3, my + line * 3), fill=pal.white)

    # a runner coming round the bend
    ang = math.radians(-58)
    t = 0.45
    rx = inner_rx + (outer_rx - inner_rx) * t
    ry = inner_ry + (outer_ry - inner_ry) * t
    gx, gy = cx + rx * math.cos(ang), cy + ry * math.sin(ang)
    shadow = _alpha(_dark(track, 0.5), 110)
    d.ellipse((gx - h * 0.09, gy - h * 0.012, gx + h * 0.07, gy + h * 0.018), fill=shadow)
    _runner(d, gx, gy, h * 0.26, pal.ink)


def _hill_polygon(
    w: float, h: float, base: float, amp: float, rnd: random.Random, waves: int = 3
) -> list[Point]:
    phases = [rnd.uniform(0, math.tau) for _ in range(waves)]
    freqs = [rnd.uniform(0.6, 1.4) * (k + 1) for k in range(waves)]
    pts: list[Point] = []
    n = 80
    for i in range(n + 1):
        x = w * i / n
        y = base
        for k in range(waves):
            y -= amp / (k + 1) * math.sin(freqs[k] * math.pi * i / n + phases[k])
        pts.append((x, y))
    return [(0.0, float(h)), *pts, (float(w), float(h))]


def _scene_hills(img: Image.Image, pal: _Palette, rnd: random.Random) -> None:
    w, h = img.size
    d = ImageDraw.Draw(img, "RGBA")
    _sun(img, w * 0.30, h * 0.30, h * 0.12, pal.sun)

    # birds
    for bx, by, s in ((0.58, 0.22, 1.0), (0.63, 0.26, 0.7), (0.67, 0.19, 0.8)):
        x, y, s = w * bx, h * by, h * 0.022 * s
        _thick_line(d, [(x - s, y - s * 0.5), (x, y), (x + s, y - s * 0.6)], pal.ink, h * 0.004)

    layers = 4
    for i in range(layers):
        t = i / (layers - 1)
        colour = _mix(pal.ground_far, pal.ground_near, t)
        base = h * (0.52 + 0.12 * i)
        amp = h * (0.07 - 0.01 * i)
        d.polygon(_hill_polygon(w, h, base, amp, rnd), fill=colour)
        if i == layers - 2:
            # a line of small trees on a middle hill
            for _ in range(9):
                tx = rnd.uniform(0.05, 0.95) * w
                ty = base + h * rnd.uniform(0.02, 0.06)
                r = h * rnd.uniform(0.015, 0.025)
                d.ellipse((tx - r, ty - r * 2.2, tx + r, ty), fill=_dark(colour, 0.25))

    # winding path over the nearest hill, narrowing with distance
    front = pal.ground_near
    path = _light(_mix(pal.accent, (235, 215, 180), 0.5), 0.15)
    y_far, y_near = h * 0.755, h * 1.02

    def path_at(t: float) -> tuple[float, float, float]:
        """Centre x, y and half-width at t (0 = far end, 1 = bottom edge)."""
        y = y_far + (y_near - y_far) * t**1.3
        x = w * (0.56 + 0.09 * math.sin(t * 5.0 + 0.4) * (0.35 + t))
        return x, y, w * (0.003 + 0.07 * t**1.6)

    left: list[Point] = []
    right: list[Point] = []
    for i in range(61):
        x, y, half = path_at(i / 60)
        left.append((x - half, y))
        right.append((x + half, y))
    d.polygon(left + right[::-1], fill=path)
    # grass tufts in the foreground
    for _ in range(30):
        gx = rnd.uniform(0, w)
        gy = rnd.uniform(h * 0.88, h * 1.0)
        s = h * rnd.uniform(0.012, 0.024)
        c = _dark(front, 0.25)
        for ang in (-0.5, 0.0, 0.5):
            d.line(
                (gx, gy, gx + math.sin(ang) * s, gy - math.cos(ang) * s * 1.6),
                fill=c,
                width=max(2, round(h / 400)),
            )
    rx, ry, _ = path_at(0.55)
    _runner(d, rx, ry, h * 0.17, pal.ink)


def _scene_road(img: Image.Image, pal: _Palette, rnd: random.Random) -> None:
    w, h = img.size
    d = ImageDraw.Draw(img, "RGBA")
    horizon = h * 0.56
    vx = w * 0.52
    _sun(img, vx, horizon - h * 0.05, h * 0.14, pal.sun)

    # distant mountains
    far = _mix(pal.deep, pal.sky_bottom, 0.45)
    d.polygon(_hill_polygon(w, horizon + 2, horizon - h * 0.06, h * 0.06, rnd, 4), fill=far)
    nearer = _mix(pal.deep, pal.sky_bottom, 0.25)
    d.polygon(_hill_polygon(w, horizon + 2, horizon - h * 0.015, h * 0.03, rnd, 3), fill=nearer)

    # fields either side
    d.rectangle((0, horizon, w, h), fill=pal.ground_mid)
    for i in range(7):
        t = i / 7
        y = horizon + (h - horizon) * t * t
        d.rectangle((0, y, w, h), fill=_mix(pal.ground_mid, pal.ground_near, t))

    road = _dark(_mix(pal.deep, (90, 90, 100), 0.6), 0.15)
    left_bottom, right_bottom = w * -0.05, w * 1.05

    def road_x(edge: float, y: float) -> float:
        t = (y - horizon) / (h - horizon)
        return vx + (edge - vx) * t

    d.polygon(
        [(vx - 2, horizon), (vx + 2, horizon), (right_bottom, h), (left_bottom, h)], fill=road
    )
    # verge lines
    for edge in (left_bottom + w * 0.07, right_bottom - w * 0.07):
        d.line((vx, horizon, edge, h), fill=_alpha(pal.white, 200), width=max(2, round(w / 400)))
    # dashed centre line, spaced evenly in world space
    k = (h - horizon) * 1.0
    depth = 1.0
    while depth < 60:
        y1 = horizon + k / depth
        y2 = horizon + k / (depth + 0.45)
        if y1 - y2 < 1:
            break
        t1 = (y1 - horizon) / (h - horizon)
        t2 = (y2 - horizon) / (h - horizon)
        half1, half2 = w * 0.012 * t1, w * 0.012 * t2
        d.polygon(
            [(vx - half2, y2), (vx + half2, y2), (vx + half1, y1), (vx - half1, y1)],
            fill=pal.accent,
        )
        depth += 1.0

    # roadside posts and trees, shrinking towards the horizon
    depth = 1.3
    while depth < 30:
        y = horizon + k / depth
        t = (y - horizon) / (h - horizon)
        for side in (-1, 1):
            edge = left_bottom - w * 0.05 if side < 0 else right_bottom + w * 0.05
            x = road_x(edge, y)
            th = h * 0.55 * t
            tw = th * 0.32
            trunk = _dark(pal.ground_near, 0.3)
            d.rectangle((x - tw * 0.08, y - th * 0.35, x + tw * 0.08, y), fill=trunk)
            d.ellipse((x - tw, y - th, x + tw, y - th * 0.28), fill=_dark(pal.ground_mid, 0.25))
        depth *= 1.45

    _runner(d, w * 0.455, h * 0.77, h * 0.17, pal.ink)


def _pine(d: ImageDraw.ImageDraw, x: float, y: float, size: float, colour: RGB) -> None:
    trunk = _dark(colour, 0.3)
    d.rectangle((x - size * 0.035, y - size * 0.2, x + size * 0.035, y), fill=trunk)
    for i in range(3):
        top = y - size * (1.0 - i * 0.22)
        bottom = y - size * (0.45 - i * 0.15)
        half = size * (0.18 + i * 0.07)
        d.polygon([(x, top), (x + half, bottom), (x - half, bottom)], fill=colour)


def _scene_trail(img: Image.Image, pal: _Palette, rnd: random.Random) -> None:
    w, h = img.size
    d = ImageDraw.Draw(img, "RGBA")
    horizon = h * 0.55
    _sun(img, w * 0.68, h * 0.22, h * 0.1, pal.sun)

    far = _mix(pal.deep, pal.sky_bottom, 0.5)
    d.polygon(_hill_polygon(w, h, horizon - h * 0.05, h * 0.05, rnd, 3), fill=far)
    d.rectangle((0, horizon, w, h), fill=pal.ground_mid)

    # trail centre-line from the bottom edge to the horizon
    def trail_x(y: float) -> float:
        t = (y - horizon) / (h - horizon)
        return w * (0.5 + 0.16 * math.sin(t * 4.2 + 0.6) * t + 0.02)

    def trail_half(y: float) -> float:
        t = (y - horizon) / (h - horizon)
        return w * (0.004 + 0.12 * t * t)

    # rows of trees from back to front
    rows = 7
    for r in range(rows):
        t = (r + 1) / rows
        y_row = horizon + (h - horizon) * (t**2) * 0.98
        size = h * (0.08 + 0.55 * t**2)
        colour = _mix(_mix(far, pal.ground_mid, 0.4), pal.ground_near, t)
        n = int(16 - r * 1.6)
        for i in range(n):
            x = w * (i + rnd.uniform(0.1, 0.9)) / n
            y = y_row + rnd.uniform(-0.02, 0.02) * h
            # keep trees off the trail
            if abs(x - trail_x(y)) < trail_half(y) + size * 0.35:
                continue
            _pine(d, x, y, size * rnd.uniform(0.85, 1.15), colour)
        if r == 3:
            # draw the trail between the back and front rows of trees
            left: list[Point] = []
            right: list[Point] = []
            steps = 60
            for i in range(steps + 1):
                y = horizon + (h - horizon) * i / steps
                left.append((trail_x(y) - trail_half(y), y))
                right.append((trail_x(y) + trail_half(y), y))
            trail_colour = _light(_mix(pal.accent, (205, 165, 120), 0.55), 0.1)
            d.polygon(left + right[::-1], fill=trail_colour)
            _runner(d, trail_x(h * 0.80), h * 0.80, h * 0.18, pal.ink)


def _shoe_outline(x0: float, y0: float, sw: float) -> dict[str, list[Point]]:
    """Outlines for a right-facing running shoe inside a box sw wide, top-left (x0, y0)."""

    def s(points: Sequence[Point]) -> list[Point]:
        return [(x0 + px * sw, y0 + py * sw) for px, py in points]

    upper = s(
        [
            (0.05, 0.34),
            (0.03, 0.20),
            (0.07, 0.09),
            (0.17, 0.07),
            (0.27, 0.12),
            (0.38, 0.10),
            (0.48, 0.13),
            (0.62, 0.20),
            (0.78, 0.25),
            (0.92, 0.28),
            (0.99, 0.33),
            (0.97, 0.37),
            (0.50, 0.37),
        ]
    )
    midsole = s(
        [
            (0.02, 0.31),
            (0.30, 0.33),
            (0.62, 0.34),
            (0.88, 0.33),
            (1.00, 0.31),
            (1.02, 0.35),
            (0.97, 0.42),
            (0.85, 0.45),
            (0.50, 0.45),
            (0.15, 0.45),
            (0.02, 0.43),
            (0.0, 0.37),
        ]
    )
    outsole = s(
        [
            (0.02, 0.42),
            (0.50, 0.44),
            (0.85, 0.44),
            (0.97, 0.41),
            (0.95, 0.45),
            (0.85, 0.475),
            (0.50, 0.48),
            (0.12, 0.48),
            (0.03, 0.46),
        ]
    )
    stripe = s(
        [
            (0.26, 0.30),
            (0.40, 0.24),
            (0.56, 0.20),
            (0.66, 0.215),
            (0.52, 0.26),
            (0.38, 0.31),
        ]
    )
    collar = s([(0.10, 0.11), (0.17, 0.095), (0.26, 0.14), (0.20, 0.16), (0.12, 0.15)])
    return {
        "upper": _smooth(upper),
        "midsole": _smooth(midsole),
        "outsole": _smooth(outsole),
        "stripe": _smooth(stripe),
        "collar": _smooth(collar),
        "laces": s([(0.38, 0.13), (0.44, 0.155), (0.50, 0.18), (0.56, 0.205), (0.62, 0.23)]),
    }


def _scene_shoe(img: Image.Image, pal: _Palette, rnd: random.Random) -> None:
    w, h = img.size
    d = ImageDraw.Draw(img, "RGBA")
    _sun(img, w * 0.5, h * 0.46, h * 0.34, _light(_mix(pal.deep, pal.accent, 0.45), 0.08))

    # floor
    floor = h * 0.78
    d.rectangle((0, floor, w, h), fill=_dark(pal.deep, 0.15))
    d.rectangle((0, floor, w, floor + h * 0.008), fill=_light(pal.deep, 0.15))

    # speed lines behind the shoe
    for i, (yy, length) in enumerate(((0.40, 0.22), (0.50, 0.30), (0.60, 0.18), (0.68, 0.26))):
        x_end = w * 0.22
        _thick_line(
            d,
            [(x_end - w * length, h * yy), (x_end, h * yy)],
            _alpha(pal.white, 150 - i * 20),
            h * 0.018,
        )

    sw = w * 0.58
    x0, y0 = w * 0.23, floor - sw * 0.48
    parts = _shoe_outline(x0, y0, sw)
    # shadow
    d.ellipse(
        (x0 + sw * 0.02, floor - h * 0.02, x0 + sw * 1.02, floor + h * 0.04), fill=(0, 0, 0, 70)
    )
    body = pal.accent if _luma(pal.accent) < 215 else _dark(pal.accent, 0.2)
    d.polygon(parts["upper"], fill=body)
    # toe cap overlay and mesh dots
    toe = [p for p in parts["upper"] if p[0] > x0 + sw * 0.80]
    if len(toe) > 2:
        d.polygon(toe, fill=_light(body, 0.18))
    for row in range(3):
        for col in range(6):
            mx = x0 + sw * (0.66 + col * 0.045 + row * 0.02)
            my = y0 + sw * (0.265 + row * 0.025)
            r = sw * 0.0045
            d.ellipse((mx - r, my - r, mx + r, my + r), fill=_alpha(_dark(body, 0.3), 140))
    heel = [p for p in parts["upper"] if p[0] < x0 + sw * 0.15]
    if len(heel) > 2:
        d.polygon(heel, fill=_dark(body, 0.2))
    d.polygon(parts["collar"], fill=_dark(pal.deep, 0.3))
    d.polygon(parts["stripe"], fill=pal.white)
    d.polygon(parts["midsole"], fill=pal.white)
    d.polygon(parts["outsole"], fill=pal.ink)
    # midsole foam line
    mid_line = [
        (x0 + sw * 0.05, y0 + sw * 0.395),
        (x0 + sw * 0.5, y0 + sw * 0.405),
        (x0 + sw * 0.9, y0 + sw * 0.39),
    ]
    d.line(mid_line, fill=_alpha(_dark(pal.accent, 0.1), 200), width=max(2, round(sw / 260)))
    # laces
    lace_w = sw * 0.012
    for lx, ly in parts["laces"]:
        _thick_line(
            d,
            [(lx - sw * 0.03, ly - sw * 0.02), (lx + sw * 0.025, ly + sw * 0.02)],
            pal.white,
            lace_w,
        )
    # tread blocks
    for i in range(11):
        tx = x0 + sw * (0.08 + i * 0.08)
        d.rectangle(
            (tx, y0 + sw * 0.465, tx + sw * 0.035, y0 + sw * 0.478), fill=_dark(pal.ink, 0.4)
        )


def _bottle_outline(cx: float, top: float, bh: float) -> list[Point]:
    bw = bh * 0.36
    half = bw / 2
    pts = [
        (cx - half * 0.78, top),
        (cx + half * 0.78, top),
        (cx + half, top + bh * 0.08),
        (cx + half, top + bh * 0.38),
        (cx + half * 0.82, top + bh * 0.50),
        (cx + half, top + bh * 0.62),
        (cx + half, top + bh * 0.95),
        (cx + half * 0.85, top + bh),
        (cx - half * 0.85, top + bh),
        (cx - half, top + bh * 0.95),
        (cx - half, top + bh * 0.62),
        (cx - half * 0.82, top + bh * 0.50),
        (cx - half, top + bh * 0.38),
        (cx - half, top + bh * 0.08),
    ]
    return _smooth(pts, steps=8)


def _scene_bottle(img: Image.Image, pal: _Palette, rnd: random.Random) -> None:
    w, h = img.size
    d = ImageDraw.Draw(img, "RGBA")
    cx = w * 0.5
    _sun(img, cx, h * 0.5, h * 0.36, _light(pal.accent, 0.2))

    # concentric ripples on the ground plane
    ground = h * 0.86
    for i in range(5, 0, -1):
        rx, ry = w * 0.09 * i, h * 0.025 * i
        d.ellipse(
            (cx - rx, ground - ry, cx + rx, ground + ry),
            outline=_alpha(pal.white, 40 + 20 * (5 - i)),
            width=max(2, round(h / 300)),
        )

    bh = h * 0.62
    top = ground - bh
    outline = _bottle_outline(cx, top, bh)
    bw = bh * 0.36

    # shadow
    d.ellipse(
        (cx - bw * 0.7, ground - h * 0.02, cx + bw * 0.9, ground + h * 0.025), fill=(0, 0, 0, 80)
    )

    # cap and nozzle
    cap = _dark(pal.deep, 0.25)
    d.rounded_rectangle(
        (cx - bw * 0.36, top - bh * 0.10, cx + bw * 0.36, top + bh * 0.015),
        radius=bh * 0.02,
        fill=cap,
    )
    for i in range(5):
        gx = cx - bw * 0.28 + i * bw * 0.14
        d.line(
            (gx, top - bh * 0.085, gx, top - bh * 0.005),
            fill=_light(cap, 0.2),
            width=max(2, round(bh / 150)),
        )
    d.rounded_rectangle(
        (cx - bw * 0.12, top - bh * 0.17, cx + bw * 0.12, top - bh * 0.09),
        radius=bh * 0.02,
        fill=_light(cap, 0.15),
    )

    # translucent bottle with water inside
    body_layer = Image.new("L", img.size, 0)
    ImageDraw.Draw(body_layer).polygon(outline, fill=255)
    level = top + bh * 0.30
    water_mask = Image.new("L", img.size, 0)
    wm = ImageDraw.Draw(water_mask)
    wave = [(cx - bw, level + bh)]
    for i in range(21):
        x = cx - bw + bw * 2 * i / 20
        wave.append((x, level + math.sin(i / 20 * math.tau * 1.5) * bh * 0.012))
    wave.append((cx + bw, level + bh))
    wm.polygon(wave, fill=255)
    water_mask = ImageChops.multiply(water_mask, body_layer)

    shell = _light(pal.accent, 0.55)
    img.paste(Image.new("RGB", img.size, shell), (0, 0), body_layer.point(lambda v: v * 150 // 255))
    water = _mix(pal.deep, (60, 160, 220), 0.45)
    img.paste(Image.new("RGB", img.size, water), (0, 0), water_mask.point(lambda v: v * 210 // 255))
    d = ImageDraw.Draw(img, "RGBA")

    # label band and grip ridges
    d.rectangle((cx - bw * 0.5, top + bh * 0.64, cx + bw * 0.5, top + bh * 0.82), fill=pal.accent)
    d.rectangle((cx - bw * 0.5, top + bh * 0.70, cx + bw * 0.5, top + bh * 0.73), fill=pal.white)
    for i in range(3):
        y = top + bh * (0.45 + i * 0.04)
        d.line(
            (cx - bw * 0.42, y, cx + bw * 0.42, y),
            fill=_alpha(pal.white, 110),
            width=max(2, round(bh / 160)),
        )
    # highlight
    _thick_line(
        d,
        [(cx - bw * 0.33, top + bh * 0.12), (cx - bw * 0.33, top + bh * 0.36)],
        _alpha(pal.white, 170),
        bw * 0.07,
    )
    _thick_line(
        d,
        [(cx - bw * 0.33, top + bh * 0.86), (cx - bw * 0.33, top + bh * 0.92)],
        _alpha(pal.white, 150),
        bw * 0.07,
    )
    d.line([*outline, outline[0]], fill=_alpha(pal.white, 200), width=max(2, round(bh / 140)))

    # droplets
    drop = _light(water, 0.35)
    for _ in range(9):
        side = rnd.choice((-1, 1))
        dx = cx + side * rnd.uniform(bw * 0.8, bw * 2.2)
        dy = rnd.uniform(h * 0.18, h * 0.72)
        r = h * rnd.uniform(0.012, 0.028)
        d.polygon(
            [(dx, dy - r * 2.2), (dx + r * 0.9, dy - r * 0.3), (dx - r * 0.9, dy - r * 0.3)],
            fill=drop,
        )
        d.ellipse((dx - r, dy - r, dx + r, dy + r), fill=drop)
        d.ellipse(
            (dx - r * 0.45, dy - r * 0.5, dx - r * 0.1, dy - r * 0.15), fill=_alpha(pal.white, 180)
        )


_SCENES = {
    "track": _scene_track,
    "hills": _scene_hills,
    "road": _scene_road,
    "trail": _scene_trail,
    "shoe": _scene_shoe,
    "bottle": _scene_bottle,
}


# --------------------------------------------------------------------------- public API


def _finish(canvas: Image.Image, width: int, height: int, rnd: random.Random) -> bytes:
    out = canvas.resize((width, height), Image.Resampling.LANCZOS)
    out = _vignette(out, 45)
    out = _grain(out, rnd, 9)
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buf.getvalue()


def make_hero_image(
    motif: str, palette: tuple[str, str], width: int = 1600, height: int = 900
) -> bytes:
    """Return JPEG bytes of a flat-design running illustration.

    `motif` is one of MOTIFS (unknown motifs fall back to "road"); `palette` is two
    hex colours. The output is deterministic for the same arguments.
    """
    pal = _Palette(palette)
    rnd = _rng("hero", motif, *palette, width, height)
    size = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    canvas = _gradient(size, pal.sky_top, pal.sky_bottom, 0.22)
    _SCENES.get(motif, _scene_road)(canvas, pal, rnd)
    return _finish(canvas, width, height, rnd)


def make_body_image(palette: tuple[str, str], width: int = 1200, height: int = 800) -> bytes:
    """Return JPEG bytes of an in-article diagram: a standing hamstring stretch.

    A figure places one heel on a low step and hinges forward from the hips, with the
    stretched hamstring highlighted and an arrow showing the direction of the hinge.
    """
    pal = _Palette(palette)
    rnd = _rng("body", *palette, width, height)
    w, h = width * SUPERSAMPLE, height * SUPERSAMPLE
    paper = _light(pal.accent, 0.86)
    canvas = _gradient((w, h), _light(paper, 0.4), paper, 0.3)
    d = ImageDraw.Draw(canvas, "RGBA")

    # faint grid like a physio worksheet
    grid = _alpha(_dark(paper, 0.25), 60)
    step = h / 12
    x = 0.0
    while x < w:
        d.line((x, 0, x, h), fill=grid, width=max(1, round(h / 800)))
        x += step
    y = 0.0
    while y < h:
        d.line((0, y, w, y), fill=grid, width=max(1, round(h / 800)))
        y += step

    floor = h * 0.84
    d.rectangle((0, floor, w, h), fill=_light(pal.deep, 0.75))
    d.line((0, floor, w, floor), fill=pal.ink, width=max(2, round(h / 220)))

    # the step
    step_box = (w * 0.60, floor - h * 0.13, w * 0.84, floor)
    d.rounded_rectangle(step_box, radius=h * 0.015, fill=_light(pal.deep, 0.35))
    d.rectangle(
        (step_box[0], step_box[1], step_box[2], step_box[1] + h * 0.02), fill=_light(pal.deep, 0.5)
    )

    ink = pal.ink
    lw = h * 0.035
    hip = (w * 0.42, h * 0.47)
    # standing leg (slightly soft knee) and stretched leg with heel on the step
    stand_knee = (w * 0.425, h * 0.66)
    stand_foot = (w * 0.41, floor - lw * 0.5)
    heel = (w * 0.70, step_box[1] - lw * 0.5)
    stretch_knee = (hip[0] + (heel[0] - hip[0]) * 0.5, hip[1] + (heel[1] - hip[1]) * 0.5)
    toe = (heel[0] + w * 0.025, heel[1] - h * 0.06)
    _thick_line(
        d, [hip, stand_knee, stand_foot, (stand_foot[0] + w * 0.05, stand_foot[1])], ink, lw
    )
    _thick_line(d, [hip, stretch_knee, heel, toe], ink, lw)

    # highlight along the back of the stretched thigh
    hl = _alpha(pal.accent if _luma(pal.accent) < 200 else _dark(pal.accent, 0.3), 230)
    nx, ny = 0.0, lw * 0.9
    _thick_line(
        d,
        [
            (
                hip[0] + (stretch_knee[0] - hip[0]) * 0.12 + nx,
                hip[1] + (stretch_knee[1] - hip[1]) * 0.12 + ny,
            ),
            (stretch_knee[0] + nx, stretch_knee[1] + ny),
        ],
        hl,
        lw * 0.8,
    )

    # torso hinged forward with a long, flat back
    shoulder = (w * 0.57, h * 0.30)
    _thick_line(d, [hip, shoulder], ink, lw * 1.25)
    head_r = h * 0.05
    head = (shoulder[0] + w * 0.055, shoulder[1] - h * 0.045)
    d.ellipse((head[0] - head_r, head[1] - head_r, head[0] + head_r, head[1] + head_r), fill=ink)
    # hands resting on the thigh
    hand = (stretch_knee[0] - w * 0.015, stretch_knee[1] - h * 0.03)
    _thick_line(
        d, [shoulder, (shoulder[0] + w * 0.005, shoulder[1] + h * 0.12), hand], ink, lw * 0.9
    )

    # curved arrow showing the hip hinge
    arc_box = (hip[0] - h * 0.24, hip[1] - h * 0.24, hip[0] + h * 0.24, hip[1] + h * 0.24)
    d.arc(arc_box, start=-120, end=-70, fill=hl, width=round(lw * 0.45))
    ang = math.radians(-70)
    ax = hip[0] + h * 0.24 * math.cos(ang)
    ay = hip[1] + h * 0.24 * math.sin(ang)
    tip = h * 0.035
    d.polygon(
        [(ax + tip, ay + tip * 0.2), (ax - tip * 0.7, ay - tip * 0.8), (ax - tip * 0.6, ay + tip)],
        fill=hl,
    )

    return _finish(canvas, width, height, rnd)


# --------------------------------------------------------------------------- product pictures
#
# Flat illustrations on a light background, with no randomness. Coordinates are written for an
# 800 x 800 picture; `_k` scales them to the supersampled canvas.

SIZE = 800
K = SUPERSAMPLE
S = SIZE * K

NAVY: RGB = (15, 27, 45)
NAVY_3: RGB = (36, 56, 90)
ORANGE: RGB = (255, 90, 31)


def _k(*values: float) -> list[float]:
    return [v * K for v in values]


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
        ramp.append(_alpha(_mix(_dark(base, 0.32), _light(base, 0.28), v)))
    strip = Image.new("RGBA", (1, S) if axis == "y" else (S, 1))
    strip.putdata(ramp)
    fill = strip.resize((S, S), Image.Resampling.NEAREST)
    layer.paste(fill, (0, 0), mask)


def _product_background(top: RGB, bottom: RGB) -> Image.Image:
    canvas = _gradient((S, S), top, bottom, diagonal=0).convert("RGBA")
    glow, d = _mask()
    d.ellipse(_k(150, 120, 650, 620), fill=150)
    glow = glow.filter(ImageFilter.GaussianBlur(70 * K))
    canvas = Image.composite(Image.new("RGBA", (S, S), _alpha(WHITE)), canvas, glow)
    # Three "speed stripes", the site's nod to the track, in a deeper tint of the background.
    d = ImageDraw.Draw(canvas)
    stripe = _alpha(_dark(bottom, 0.07))
    for i, length in enumerate((150, 110, 70)):
        x, y = 640 - i * 18, 92 + i * 30
        d.rounded_rectangle(_k(x - length, y, x, y + 12), radius=6 * K, fill=stripe)
    return canvas


def _floor_shadow(canvas: Image.Image, box: tuple[float, ...], opacity: int = 70) -> None:
    layer = _layer()
    ImageDraw.Draw(layer).ellipse(_k(*box), fill=_alpha(NAVY, opacity))
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
            d.line(
                _k(x - 8, y - h + 2, x + 8, y - h + 2), fill=_alpha(_light(shade, 0.35)), width=K
            )
    # The near end: foam ring and a hollow navy core.
    d.ellipse(_k(x1 - e, cy - r, x1 + e, cy + r), fill=_alpha(_light(body, 0.22)))
    d.ellipse(_k(x1 - e * 0.78, cy - r * 0.78, x1 + e * 0.78, cy + r * 0.78), fill=_alpha(body))
    d.ellipse(_k(x1 - e * 0.5, cy - r * 0.5, x1 + e * 0.5, cy + r * 0.5), fill=_alpha(NAVY_3))
    d.ellipse(_k(x1 - e * 0.36, cy - r * 0.4, x1 + e * 0.4, cy + r * 0.46), fill=_alpha(NAVY))
    _place(canvas, layer, 12)


def _massage_stick(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (110, 585, 700, 645))
    layer = _layer()
    d = ImageDraw.Draw(layer)
    cy = 400
    d.rounded_rectangle(_k(190, cy - 12, 610, cy + 12), radius=12 * K, fill=_alpha(NAVY_3))
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
            d.ellipse(_k(x + 14, y - 3, x + 23, y + 3), fill=_alpha(_dark(teal, 0.25), 150))
    handles, m = _mask()
    m.rounded_rectangle(_k(80, cy - 38, 212, cy + 38), radius=38 * K, fill=255)
    m.rounded_rectangle(_k(588, cy - 38, 720, cy + 38), radius=38 * K, fill=255)
    _shaded(layer, handles, NAVY_3, cy - 38, cy + 38)
    for x0 in (80, 588):
        for i in range(5):
            x = x0 + 34 + i * 16
            d.line(_k(x, cy - 30, x, cy + 30), fill=_alpha(_dark(NAVY_3, 0.35)), width=3 * K)
    for x in (86, 702):
        d.rounded_rectangle(_k(x, cy - 30, x + 12, cy + 30), radius=6 * K, fill=_alpha(ORANGE))
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
        d.polygon(points, fill=_alpha(_dark(purple, 0.2 if math.sin(a) < 0.3 else 0.38)))
    steps = 48
    for i in range(steps):
        t = i / steps
        radius = r * (1 - 0.86 * t)
        ox, oy = -0.34 * r * t, -0.38 * r * t
        colour = _mix(_dark(purple, 0.3), _light(purple, 0.3), t**0.7)
        d.ellipse(
            _k(cx + ox - radius, cy + oy - radius, cx + ox + radius, cy + oy + radius),
            fill=_alpha(colour),
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
            d.ellipse(_k(px - size, py - size, px + size, py + size), fill=_alpha(fill))
            d.ellipse(
                _k(px - size * 0.55, py - size * 0.65, px + size * 0.1, py - size * 0.05),
                fill=_alpha(_light(fill, 0.4)),
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
    d.ellipse(_k(cx - rx, cy - r, cx + rx, cy + r), fill=_alpha(_light(colour, 0.18)))
    for f in (0.86, 0.72, 0.6):
        d.ellipse(
            _k(cx - rx * f, cy - r * f, cx + rx * f, cy + r * f),
            outline=_alpha(_dark(colour, 0.08)),
            width=2 * K,
        )
    core = (222, 196, 150)
    d.ellipse(_k(cx - rx * 0.47, cy - r * 0.47, cx + rx * 0.47, cy + r * 0.47), fill=_alpha(core))
    d.ellipse(
        _k(cx - rx * 0.38, cy - r * 0.38, cx + rx * 0.38, cy + r * 0.38),
        fill=_alpha(_dark(core, 0.3)),
    )
    d.ellipse(
        _k(cx - rx * 0.3, cy - r * 0.38, cx + rx * 0.38, cy + r * 0.38),
        fill=_alpha(_dark(core, 0.12)),
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
    d.polygon([tuple(_k(x, y)) for x, y in strip], fill=_alpha(_dark(pink, 0.08)))
    d.line(
        _k(cx - 60, cy + r + 12, cx + 190, cy + r + 38),
        fill=_alpha(_light(pink, 0.25)),
        width=3 * K,
    )
    d.ellipse(_k(cx + 190, cy + r + 22, cx + 228, cy + r + 60), fill=_alpha(_dark(pink, 0.08)))
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
            fill=_alpha(_light(NAVY_3, 0.16), 140),
            width=2 * K,
        )
    stripe = [(cx + lean(t) + half_width(t) * 0.45, top + (bottom - top) * t) for t in samples[4:]]
    dd.line([tuple(_k(x, y)) for x, y in stripe], fill=_alpha(ORANGE), width=16 * K, joint="curve")
    clipped = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    clipped.paste(
        detail, (0, 0), Image.composite(detail.getchannel("A"), Image.new("L", (S, S), 0), mask)
    )
    layer.alpha_composite(clipped)
    # The top cuff, and the opening seen from slightly above.
    w0, x0 = half_width(0), cx + lean(0)
    d.ellipse(_k(x0 - w0, top - 26, x0 + w0, top + 26), fill=_alpha(_dark(NAVY_3, 0.35)))
    d.ellipse(_k(x0 - w0, top - 26, x0 + w0, top + 26), outline=_alpha(ORANGE), width=6 * K)
    d.chord(_k(x0 - w0 + 10, top - 18, x0 + w0 - 10, top + 20), 0, 180, fill=_alpha(NAVY))
    _place(canvas, layer, -8)


def _hot_cold_pack(canvas: Image.Image) -> None:
    _floor_shadow(canvas, (150, 575, 670, 650))
    layer = _layer()
    d = ImageDraw.Draw(layer)
    blue = (60, 150, 225)
    d.rounded_rectangle(_k(160, 220, 640, 580), radius=70 * K, fill=_alpha(_light(blue, 0.55)))
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
        d.line(_k(cx, cy, ex, ey), fill=_alpha(WHITE), width=9 * K)
        for along in (0.55, 0.8):
            bx, by = cx + 68 * along * math.cos(a), cy + 68 * along * math.sin(a)
            for side in (-1, 1):
                b = a + side * math.radians(45)
                d.line(
                    _k(bx, by, bx + 20 * math.cos(b), by + 20 * math.sin(b)),
                    fill=_alpha(WHITE),
                    width=7 * K,
                )
    d.ellipse(_k(cx - 12, cy - 12, cx + 12, cy + 12), fill=_alpha(WHITE))
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
    d.rectangle(_k(jx - rx, 480, jx + rx, 570), fill=_alpha(green))
    d.chord(_k(jx - rx, 570 - ry, jx + rx, 570 + ry), 0, 180, fill=_alpha(green))
    _leaf(d, jx, 528, 26)
    lid, m = _mask()
    m.rectangle(_k(jx - rx - 6, 372, jx + rx + 6, top), fill=255)
    m.ellipse(_k(jx - rx - 6, top - ry, jx + rx + 6, top + ry), fill=255)
    _shaded(layer, lid, NAVY_3, jx - rx, jx + rx, axis="x")
    d.ellipse(_k(jx - rx - 6, 372 - ry, jx + rx + 6, 372 + ry), fill=_alpha(_light(NAVY_3, 0.18)))
    for i in range(1, 12):
        x = jx - rx + i * (2 * rx / 12)
        d.line(_k(x, 384, x, top + 12), fill=_alpha(_dark(NAVY_3, 0.25)), width=2 * K)
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
        d.line(_k(x, 152, x, 188), fill=_alpha(_dark(green, 0.22)), width=2 * K)
    d.rounded_rectangle(_k(tx - 92, 290, tx + 92, 410), radius=10 * K, fill=_alpha(cream))
    _leaf(d, tx, 350, 34, green)
    d.rounded_rectangle(
        _k(tx - 50, 430, tx + 50, 446), radius=8 * K, fill=_alpha(_light(green, 0.35))
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
    d.polygon([tuple(_k(x, y)) for x, y in points], fill=_alpha(colour))
    vein = _light(colour, 0.5) if colour != WHITE else (190, 220, 200)
    d.line(
        _k(cx - size * 0.8, cy, cx + size * 0.9, cy - size * 0.12), fill=_alpha(vein), width=2 * K
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
        d.ellipse(box, outline=_alpha(_dark(colour, 0.18)), width=38 * K)
        inner = _k(cx - 234, cy - 96, cx + 234, cy + 92)
        d.ellipse(inner, outline=_alpha(colour), width=28 * K)
        d.arc(
            _k(cx - 226, cy - 92, cx + 226, cy + 84),
            190,
            330,
            fill=_alpha(_light(colour, 0.4)),
            width=5 * K,
        )
        shadow = layer.filter(ImageFilter.GaussianBlur(8 * K))
        shadow = Image.composite(
            Image.new("RGBA", (S, S), _alpha(NAVY, 60)), _layer(), shadow.getchannel("A")
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
    canvas = _product_background(top, bottom)
    draw(canvas)
    picture = canvas.convert("RGB").resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


if __name__ == "__main__":
    import os
    import tempfile
    import time

    out_dir = os.path.join(tempfile.gettempdir(), "demo_imgs")
    os.makedirs(out_dir, exist_ok=True)
    samples = [
        ("track", ("#1f4e79", "#f28c38")),
        ("hills", ("#2e6b4f", "#f3c77a")),
        ("road", ("#14213d", "#fca311")),
        ("trail", ("#264653", "#e9c46a")),
        ("shoe", ("#0b3954", "#52d1dc")),
        ("bottle", ("#005f73", "#94d2bd")),
    ]
    for motif, palette in samples:
        start = time.perf_counter()
        data = make_hero_image(motif, palette)
        elapsed = time.perf_counter() - start
        # A check in this sample script (python -m demo.images), not a guard of the site.
        again = make_hero_image(motif, palette)
        assert data == again, "output must be deterministic"  # noqa: S101  # nosec B101
        path = os.path.join(out_dir, f"hero_{motif}.jpg")
        with open(path, "wb") as fh:
            fh.write(data)
        print(f"{path}: {len(data) // 1024} KiB in {elapsed:.3f}s")
    start = time.perf_counter()
    data = make_body_image(("#1f4e79", "#f28c38"))
    elapsed = time.perf_counter() - start
    path = os.path.join(out_dir, "body_stretch.jpg")
    with open(path, "wb") as fh:
        fh.write(data)
    print(f"{path}: {len(data) // 1024} KiB in {elapsed:.3f}s")
    for drawing in DRAWINGS:
        start = time.perf_counter()
        data = make_product_image(drawing)
        elapsed = time.perf_counter() - start
        path = os.path.join(out_dir, f"product_{drawing}.png")
        with open(path, "wb") as fh:
            fh.write(data)
        print(f"{path}: {len(data) // 1024} KiB in {elapsed:.3f}s")
