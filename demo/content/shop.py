"""Demo data for the shop: the three categories of the page the site grew from, products in
them, the gear box of the long hamstring article and where its calls to action go in the body.

All names and text are invented for this project (no real brands); every address is on
example.com, a domain reserved for examples.
"""

SHOP = "https://example.com/shop"

CATEGORIES = [
    {
        "slug": "muscle-recovery",
        "name": "Muscle recovery",
        "cta_label": "",
        "description": (
            "Foam rollers, hot/cold packs, resistance bands and soothing balms to help "
            "tired legs bounce back between runs."
        ),
        "url": f"{SHOP}/muscle-recovery/",
    },
    {
        "slug": "supports-and-tape",
        "name": "Supports & tape",
        "cta_label": "Shop supports & tape",
        "description": (
            "Kinesiology tape, compression sleeves and supports for runners easing back "
            "into training after a niggle."
        ),
        "url": f"{SHOP}/supports-and-tape/",
    },
    {
        "slug": "massage-aids",
        "name": "Massage aids",
        "cta_label": "",
        "description": (
            "Massage sticks and balls for working into tight calves, hamstrings and glutes, "
            "at home or in the start pen."
        ),
        "url": f"{SHOP}/massage-aids/",
    },
]

# `drawing` names the illustration demo.images draws for the product image.
PRODUCTS = [
    {
        "slug": "foam-roller",
        "name": "Textured foam roller, 33 cm",
        "brand": "Paceform",
        "category": "muscle-recovery",
        "short_description": (
            "A medium-firm roller with a ridged surface and a hollow core: firm enough for "
            "quads, kind enough for sore hamstrings."
        ),
        "price": "24.99",
        "drawing": "foam_roller",
        "image_alt": "An orange textured foam roller with a navy hollow core",
    },
    {
        "slug": "massage-stick",
        "name": "Massage stick, 9 rollers",
        "brand": "Fellside",
        "category": "massage-aids",
        "short_description": (
            "Nine free-spinning rollers between two grippy handles. Light enough for a kit "
            "bag, so you can loosen your calves before the start."
        ),
        "price": "19.50",
        "is_sponsored": True,
        "drawing": "massage_stick",
        "image_alt": "A massage stick with teal rollers between two navy handles",
    },
    {
        "slug": "massage-ball",
        "name": "Spiky massage ball, pair",
        "brand": "Knotwell",
        "category": "massage-aids",
        "short_description": (
            "Two 8 cm balls with soft spikes for the glutes, the soles of the feet and the "
            "top of the hamstrings."
        ),
        "price": "8.99",
        "drawing": "massage_ball",
        "image_alt": "A purple spiky massage ball",
    },
    {
        "slug": "kinesiology-tape",
        "name": "Kinesiology tape, 5 m roll",
        "brand": "Tamblin Sport",
        "category": "supports-and-tape",
        "short_description": (
            "Stretchy cotton tape with a skin-friendly adhesive that lasts through showers "
            "and long runs. Cut it to any length."
        ),
        "price": "9.99",
        "drawing": "kinesiology_tape",
        "image_alt": "Two rolls of kinesiology tape, one blue and one pink, with a strip unrolled",
    },
    {
        "slug": "calf-compression-sleeves",
        "name": "Calf compression sleeves, pair",
        "brand": "Tamblin Sport",
        "category": "supports-and-tape",
        "short_description": (
            "Graduated compression from ankle to knee, in a breathable knit that stays put "
            "without digging in."
        ),
        "price": "22.00",
        "drawing": "calf_sleeve",
        "image_alt": "A navy calf compression sleeve with an orange stripe",
    },
    {
        "slug": "hot-cold-pack",
        "name": "Reusable hot/cold gel pack",
        "brand": "Frostfen",
        "category": "muscle-recovery",
        "short_description": (
            "Chill it in the freezer or warm it in hot water. Comes with a soft cover and a "
            "strap to hold it on the back of the thigh."
        ),
        "price": "12.00",
        "drawing": "hot_cold_pack",
        "image_alt": "A blue gel pack with a snowflake on it",
    },
    {
        "slug": "recovery-cream",
        "name": "Arnica & menthol recovery cream",
        "brand": "Moorbank Botanics",
        "category": "muscle-recovery",
        "short_description": (
            "A cooling cream that makes self-massage glide. Handy after long runs; patch-test "
            "first if your skin is sensitive."
        ),
        "price": "11.50",
        "drawing": "recovery_cream",
        "image_alt": "A green tube and a jar of recovery cream",
    },
    {
        "slug": "resistance-band-set",
        "name": "Loop resistance bands, set of 3",
        "brand": "Paceform",
        "category": "muscle-recovery",
        "short_description": (
            "Light, medium and heavy latex loops for banded bridges, curls and "
            "Romanian deadlifts. Colour-coded by strength."
        ),
        "price": "14.99",
        "drawing": "resistance_bands",
        "image_alt": "Three loop resistance bands in green, orange and navy",
    },
]

LONG_ARTICLE = "hamstring-strains-in-runners"

# The long article's gear box, in order: (product slug, note).
GEAR = [
    ("foam-roller", "Our pick for tight hamstrings once the first soreness has passed"),
    ("massage-stick", "More control over pressure than a roller"),
    ("kinesiology-tape", "For a sense of support when you start running again"),
    ("hot-cold-pack", "Cold for the first couple of days, warmth later on"),
]

# Body blocks placed in the long article's body: each goes after the paragraph containing the
# marker (the text as the article demo stores it).
BODY_BLOCKS = [
    ("<strong>foam roller</strong>", "<p>[product foam-roller]</p>"),
    ("<strong>massage ball</strong>", "<p>[shop massage-aids]</p>"),
    ("<strong>Kinesiology tape</strong>", "<p>[shop supports-and-tape]</p>"),
    ("<strong>recovery creams</strong>", "<p>[shop muscle-recovery]</p>"),
]
