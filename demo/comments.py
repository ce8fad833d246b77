"""Demo threads: reader questions and staff answers under the long hamstring article, in the
shape of the page the site grew from (an off-topic question answered anyway, pointing to the
shop's services)."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from articles.models import Article
from comments.models import Comment
from runnerhub.models import SiteSettings

# (key, parent key, author: a staff username or (name, email), hours after publishing, text)
THREAD = [
    (
        "calves",
        None,
        ("Hannah Whitlock", "hannah.w@example.com"),
        30,
        "Thanks for this! Slightly off-topic, but my calves are the problem rather than my "
        "hamstrings. They feel like rocks for two days after every hill session. Should I be "
        "stretching them before I run, after, or both?",
    ),
    (
        "calves-answer",
        "calves",
        "dipika",
        78,
        "Hi Hannah, good question, and calves are a very common complaint after hills. Keep "
        "stretching for after the run: before it, a few minutes of easy jogging and some "
        "ankle bounces warm the calves better than holding a stretch. Most of the recovery "
        "comes from strength though, so add slow heel raises on a step, three sets of twelve, "
        "three times a week. If they still feel like rocks after a fortnight, come to our "
        "free physio drop-in on Thursday evenings and we'll have a proper look.",
    ),
    (
        "calves-thanks",
        "calves-answer",
        ("Hannah Whitlock", "hannah.w@example.com"),
        96,
        "Brilliant, thank you. I'll try the heel raises and pop in on Thursday if nothing changes.",
    ),
    (
        "beginner",
        None,
        ("Marek Nowak", "marek.n@example.com"),
        120,
        "I strained my hamstring in my first month of running. Is it worth going back to a "
        "structured plan, or did I just start too fast?",
    ),
    (
        "beginner-answer",
        "beginner",
        "grace",
        150,
        "Hi Marek, starting too fast is the usual culprit, so you are in good company. A plan "
        "with walk breaks and one rest day between runs gives the muscles time to adapt. Our "
        "beginners' running course starts again next month: six Saturday mornings, a coach "
        "for every eight runners, and a physio on hand for the first session.",
    ),
    (
        "rolling",
        None,
        ("Priya Shah", "priya.s@example.com"),
        170,
        "Is foam rolling actually doing anything, or is it just painful?",
    ),
]


def load(stdout) -> None:
    article = Article.objects.filter(slug="hamstring-strains-in-runners").first()
    if article is None or article.publish_at is None:
        stdout.write("  the hamstring article is missing: no demo thread")
        return
    settings_row = SiteSettings.load()
    if not settings_row.staff_notification_email:
        settings_row.staff_notification_email = "answers@demo.runnerhub.test"
        settings_row.save(update_fields=["staff_notification_email"])
    if Comment.objects.filter(article=article).exists():
        stdout.write(f"  thread on “{article.title}”: already there")
        return
    staff = {u.username: u for u in get_user_model().objects.filter(is_staff=True)}
    made: dict[str, Comment] = {}
    for number, (key, parent_key, author, hours, text) in enumerate(THREAD, start=1):
        comment = Comment(
            article=article,
            parent=made.get(parent_key),
            text=text,
            state=Comment.State.PUBLISHED,
            created_at=article.publish_at + timedelta(hours=hours, minutes=7 * number),
        )
        if isinstance(author, tuple):
            comment.name, comment.email = author
        else:
            user = staff[author]
            comment.user, comment.name, comment.email = user, user.public_name, user.email
            comment.is_staff_reply, comment.staff_title = True, user.public_title
        # Demo data is written directly: no notification emails for past conversations.
        comment.save()
        made[key] = comment
        stdout.write(f"  [{number}/{len(THREAD)}] comment by {comment.name}: added")
    Comment.objects.filter(pk=made["calves-answer"].pk).update(is_accepted=True)
