"""The large site `make bench` measures (bench/pages.py): generated straight into PostgreSQL.

10,000 published articles across 8 topics and 60 tags, 200,000 comments (one article with
1,000 on its first thread page: 50 questions and 950 replies; one with 10), 100,000
subscribers, 500 products in 10 shop categories with 15,000 days of clicks. Rows go in with
bulk_create in batches; the derived fields that Article.save() and Comment.save() compute
are computed here by the same functions (sanitize_html, html_to_text, render_plain_text,
the thread path), and the search vector by the same SQL expression, for all rows at once.

Seeded: the same site every time. Called from bench/pages.py, which sets up Django first.
"""

import itertools
import random
import sys
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from articles.body_blocks import BLOCK_LINE
from articles.models import WORDS_PER_MINUTE, Article, FAQItem, Tag, Topic, search_vector
from comments.models import MAX_DEPTH, QUESTIONS_PER_PAGE, Comment, render_plain_text
from newsletter.models import CONSENT_TEXT, Subscriber
from runnerhub.images import enhance_images
from runnerhub.models import SiteSettings, User
from runnerhub.sanitize import html_to_text, sanitize_html
from shop.models import ArticleProduct, ClickCount, Product, ShopCategory

ARTICLES = 10_000
COMMENTS = 200_000
SUBSCRIBERS = 100_000
PRODUCTS = 500
CATEGORIES = 10
TOPICS = 8
TAGS = 60
CLICK_DAYS = 30
BATCH = 5_000

BIG_THREAD = "bench-1000-comments"  # 1,000 comments on its first thread page
SMALL_THREAD = "bench-10-comments"

_VOCABULARY = (
    "run runner running pace stride cadence tempo interval easy long recovery rest sleep "
    "knee hamstring calf achilles shin splints plantar fascia hip glute quad ankle foot "
    "strain sprain injury pain ache swelling ice heat physio stretch mobility strength "
    "squat lunge bridge plank foam roller massage ball tape support brace shoe trainer "
    "cushion drop stack carbon plate trail road track marathon half parkrun 5k 10k ultra "
    "taper training plan week mileage hill fartlek threshold zone heart rate watch gel "
    "hydration electrolyte breakfast carbohydrate protein fatigue warm cool down sock "
    "blister chafe rain cold summer winter beginner club coach race finish start goal"
)
WORDS = _VOCABULARY.split()
TOPIC_NAMES = [
    "Injuries & recovery",
    "Training",
    "Shoes & gear",
    "Nutrition",
    "Racing",
    "Beginners",
    "Trail running",
    "Strength & mobility",
]
CATEGORY_NAMES = [
    "Muscle recovery",
    "Supports & tape",
    "Massage aids",
    "Road shoes",
    "Trail shoes",
    "Socks",
    "Watches",
    "Nutrition",
    "Clothing",
    "Hydration",
]
COMMENT_TEXTS = [
    "Is it normal to feel this the day after a long run? I tried {w} but it still aches.",
    "Thanks, this helped. How long before I can go back to {w} sessions?",
    "I had the same problem last spring. See https://example.com/advice for what I tried.",
    "Would you recommend {w} for a beginner, or is that too much too soon?",
    "My physio said {w} twice a week. Does that match what you suggest here?",
    "Great article.\n\nOne question: does this apply to {w} as well?",
]


class Bar:
    """A plain progress bar on stderr: label, bar, count, elapsed time."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.start = self.shown = time.monotonic()
        self._draw()

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown > 0.2 or self.done >= self.total:
            self.shown = now
            self._draw()

    def close(self) -> None:
        self.done = self.total
        self._draw()
        sys.stderr.write("\n")

    def _draw(self) -> None:
        share = self.done / self.total if self.total else 1
        filled = int(share * 30)
        sys.stderr.write(
            f"\r  {self.label:<22} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} "
            f"{self.done:>7,}/{self.total:,}  {time.monotonic() - self.start:5.1f}s"
        )
        sys.stderr.flush()


# Everyday words for the rest of the text: 3,000 made-up words, Zipf-weighted, so that a
# running term matches the few hundred articles about it, not every article (search's
# selectivity is what its speed depends on).
_SYLLABLES = "ba ko ri te mun sal dor vi pel an ou er ta li gro ste ne ma".split()  # noqa: SIM905
FILLER = [a + b for a in _SYLLABLES for b in _SYLLABLES] + [
    a + b + c for a in _SYLLABLES[:9] for b in _SYLLABLES for c in _SYLLABLES
]
FILLER = FILLER[:3000]
_FILLER_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(FILLER))))


def _sentence(rng: random.Random, n: int, theme: list[str] | None = None) -> str:
    """n words: a quarter from the article's theme (a few running terms), the rest filler."""
    words = rng.choices(FILLER, cum_weights=_FILLER_WEIGHTS, k=n)
    for k in range(n):
        if rng.random() < 0.25:
            words[k] = rng.choice(theme or WORDS)
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, theme: list[str], products: list[str], category: str) -> str:
    """About 600 words in sections, with product cards and a shop button as body blocks."""
    parts = []
    for section in range(1, 6):
        parts.append(f"<h2>{section}. {_sentence(rng, 4, theme)[:-1]}</h2>")
        for _ in range(3):
            sentences = (_sentence(rng, rng.randint(8, 16), theme) for _ in range(3))
            parts.append("<p>" + " ".join(sentences) + "</p>")
        if section == 2 and products:
            parts.append(f"<p>[product {products[0]}]</p>")
        if section == 4:
            parts.append(f"<p>[shop {category}]</p>")
    return "".join(parts)


def _derived(article: Article) -> None:
    """What Article.save() computes, without the save (and the search vector: later, in SQL)."""
    article.body = sanitize_html(article.body)
    article.body_html = enhance_images(article.body)
    article.body_text = html_to_text(BLOCK_LINE.sub("", article.body))
    words = len(article.body_text.split()) + len(article.lead.split())
    article.reading_minutes = max(1, -(-words // WORDS_PER_MINUTE))


def _bulk(model, rows: list, label: str) -> list:
    bar = Bar(label, len(rows))
    made = []
    for start in range(0, len(rows), BATCH):
        made += model.objects.bulk_create(rows[start : start + BATCH])
        bar.update(len(rows[start : start + BATCH]))
    bar.close()
    return made


def _thread(n: int, questions: int, rng: random.Random, spread: bool) -> list[int | None]:
    """Parent index (None for a question) of each of n comments. The first `questions` are
    questions; with `spread`, replies go three to a parent in order (a deep, full first page,
    as bench/comment_thread.py builds it), otherwise to any earlier comment."""
    parents: list[int | None] = [None] * questions
    for i in range(questions, n):
        parents.append((i - questions) // 3 if spread else rng.randrange(i))
    return parents


def generate(scale: float = 1.0) -> None:
    rng = random.Random(10)  # nosec B311
    n_articles = max(20, int(ARTICLES * scale))
    n_comments = max(1_100, int(COMMENTS * scale))
    now = timezone.now()

    with transaction.atomic():
        settings_row = SiteSettings.load()
        settings_row.comments_close_after_days = 3650  # every article open: forms and Reply links
        settings_row.newsletter_rate_per_minute = 0
        settings_row.save()

        authors = [
            User(
                username=f"staff{i}",
                display_name=name,
                public_title=title,
                is_staff=True,
                password="!",  # noqa: S106 (an unusable password, as set_unusable_password() makes)
            )
            for i, (name, title) in enumerate(
                [
                    ("Sam Patel", "Physio"),
                    ("Jo Reid", "Coach"),
                    ("Alex Kim", "Shoe fitter"),
                    ("Priya Shah", "Physio"),
                    ("Tom Hale", "Coach"),
                    ("Mia Lund", "Nutritionist"),
                ]
            )
        ]
        readers = [User(username=f"reader{i}", password="!") for i in range(200)]  # noqa: S106
        authors = User.objects.bulk_create(authors)
        readers = User.objects.bulk_create(readers)

        topics = Topic.objects.bulk_create(
            Topic(name=name, slug=f"topic-{i}", order=i) for i, name in enumerate(TOPIC_NAMES)
        )
        tags = Tag.objects.bulk_create(
            Tag(name=f"{WORDS[i]} {i}", slug=f"tag-{i}") for i in range(TAGS)
        )
        categories = ShopCategory.objects.bulk_create(
            ShopCategory(name=name, slug=f"shop-{i}", url=f"https://shop.example.com/c/shop-{i}/")
            for i, name in enumerate(CATEGORY_NAMES)
        )
        products = Product.objects.bulk_create(
            Product(
                name=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
                slug=f"product-{i}",
                brand=rng.choice(["Stride", "Peak", "Fell", "Tempo", ""]),
                category=categories[i % CATEGORIES],
                short_description=_sentence(rng, 10),
                price=rng.randint(5, 180),
                url=f"https://shop.example.com/p/product-{i}/",
            )
            for i in range(PRODUCTS)
        )

        rows = []
        bar = Bar("articles (text)", n_articles)
        for i in range(n_articles):
            if i == 0:
                slug, title = BIG_THREAD, "Hamstring strains in runners: 1,000 questions"
            elif i == 1:
                slug, title = SMALL_THREAD, "Calf pain after long runs"
            else:
                slug, title = f"article-{i}", None
            theme = rng.sample(WORDS, 6)
            title = title or _sentence(rng, rng.randint(4, 8), theme)[:-1]
            picks = rng.sample(products, 3)
            article = Article(
                title=title,
                slug=slug,
                lead=_sentence(rng, 25, theme),
                body=_body(rng, theme, [p.slug for p in picks], picks[0].category.slug),
                author=authors[i % len(authors)],
                topic=topics[i % TOPICS],
                status=Article.Status.PUBLISHED,
                # The two measured articles are recent (comments open); the rest spread over
                # six years, newest first by id.
                publish_at=now - timedelta(days=2 if i < 2 else 3 + i * 0.2, minutes=i),
                featured=i in (2, 3, 4),
                reviewed_by="Sam Patel, physiotherapist" if i % 4 == 0 else "",
                video_url="https://youtu.be/abc123DEF45" if i % 10 == 0 else "",
            )
            _derived(article)
            article._picks = picks
            rows.append(article)
            bar.update()
        bar.close()
        articles = _bulk(Article, rows, "articles")
        through = Article.tags.through
        _bulk(
            through,
            [through(article_id=a.pk, tag_id=t.pk) for a in articles for t in rng.sample(tags, 3)],
            "article tags",
        )
        _bulk(
            FAQItem,
            [
                FAQItem(
                    article=a,
                    question=_sentence(rng, 8)[:-1] + "?",
                    answer=_sentence(rng, 30),
                    order=k,
                )
                for n, a in enumerate(articles)
                for k in range(4 if n < 2 else (2 if n % 5 == 0 else 0))
            ],
            "FAQs",
        )
        _bulk(
            ArticleProduct,
            [
                ArticleProduct(article=a, product=p, note=_sentence(rng, 4), order=k)
                for n, a in enumerate(articles)
                for k, p in enumerate(a._picks[: 3 if n < 2 else n % 3])
            ],
            "gear in articles",
        )

        _comments(articles, authors, readers, n_comments, rng)

        subscribers = []
        for i in range(max(1_000, int(SUBSCRIBERS * scale))):
            status = rng.choices(["active", "pending", "unsubscribed"], [80, 15, 5])[0]
            signed = now - timedelta(minutes=rng.randint(10, 3 * 365 * 24 * 60))
            subscribers.append(
                Subscriber(
                    email=f"reader{i}@example.net",
                    first_name=rng.choice(["", "Sam", "Jo", "Alex", "Ola"]),
                    status=status,
                    confirmed_at=signed + timedelta(minutes=5) if status != "pending" else None,
                    unsubscribed_at=now if status == "unsubscribed" else None,
                    consent_text=CONSENT_TEXT,
                    consent_at=signed,
                    consent_source="/",
                )
            )
        _bulk(Subscriber, subscribers, "subscribers")

        clicks = {}
        today = now.date()
        for _ in range(int(15_000 * max(scale, 0.1))):
            product = rng.choice(products)
            article = rng.choice(articles[:500])
            day = today - timedelta(days=rng.randrange(CLICK_DAYS))
            key = ClickCount.make_key(
                product_id=product.pk,
                category_id=None,
                article_id=article.pk,
                day=day,
                medium="article",
            )
            clicks[key] = ClickCount(
                key=key,
                product=product,
                article=article,
                day=day,
                medium="article",
                count=rng.randint(1, 40),
            )
        _bulk(ClickCount, list(clicks.values()), "shop clicks")

        started = time.monotonic()
        sys.stderr.write("  search vectors (one UPDATE, the expression Article.save() uses) ...")
        sys.stderr.flush()
        Article.objects.update(search_vector=search_vector())
        sys.stderr.write(f" {time.monotonic() - started:.1f}s\n")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _comments(articles, authors, readers, total: int, rng: random.Random) -> None:
    """1,000 comments on the big thread's first page, 10 on the small one, the rest spread
    over the other articles; inserted a generation at a time (parents before replies)."""
    texts = [(t, render_plain_text(t.format(w=w))) for t in COMMENT_TEXTS for w in WORDS[:40]]
    plan = [(articles[0], _thread(1_000, QUESTIONS_PER_PAGE, rng, spread=True))]
    plan.append((articles[1], _thread(10, 4, rng, spread=False)))
    left, others = total - 1_010, articles[2:]
    for k, article in enumerate(others):
        n = left // len(others) + (1 if k < left % len(others) else 0)
        if n:
            plan.append((article, _thread(n, max(1, n // 3), rng, spread=False)))

    nodes = []  # (article, parent node index or None, created_at, generation)
    for article, parents in plan:
        base = len(nodes)
        moment = article.publish_at + timedelta(hours=1)
        for parent in parents:
            moment += timedelta(seconds=rng.randint(30, 4000))
            generation = 0 if parent is None else nodes[base + parent][3] + 1
            nodes.append((article, None if parent is None else base + parent, moment, generation))

    made: list[Comment | None] = [None] * len(nodes)
    bar = Bar("comments", len(nodes))
    for generation in range(max(n[3] for n in nodes) + 1):
        batch: list[tuple[int, Comment]] = []
        for index, (article, parent_index, moment, gen) in enumerate(nodes):
            if gen != generation:
                continue
            text, html = rng.choice(texts)
            staff = parent_index is not None and rng.random() < 0.25
            comment = Comment(
                article=article,
                name=authors[index % len(authors)].display_name if staff else f"Reader {index}",
                email=f"commenter{index}@example.org",
                text=text,
                text_html=html,
                is_staff_reply=staff,
                staff_title=authors[index % len(authors)].public_title if staff else "",
                user=authors[index % len(authors)]
                if staff
                else (readers[index % len(readers)] if index % 10 == 0 else None),
                state=Comment.State.PUBLISHED
                if rng.random() < 0.98 or article.slug in (BIG_THREAD, SMALL_THREAD)
                else Comment.State.PENDING,
                created_at=moment,
            )
            if parent_index is not None:  # what Comment.save() derives from the parent
                parent = made[parent_index]
                comment.parent = parent
                comment.root_id = parent.root_id or parent.pk
                comment.depth = min(parent.depth + 1, MAX_DEPTH)
                base = parent.path.rsplit("/", 1)[0] if parent.depth == MAX_DEPTH else parent.path
                comment.path = f"{base}/{moment.timestamp():017.6f}"
            batch.append((index, comment))
            if len(batch) == BATCH:
                _insert(batch, made, bar)
                batch = []
        _insert(batch, made, bar)
    bar.close()


def _insert(batch, made, bar) -> None:
    if not batch:
        return
    Comment.objects.bulk_create([comment for _, comment in batch])
    for index, comment in batch:
        made[index] = comment
    bar.update(len(batch))
