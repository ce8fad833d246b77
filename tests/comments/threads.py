"""One shape of a long thread, shared by the page-weight test and the benchmarks in bench/
(plain Django, no factory_boy, so a benchmark runs with the production requirements)."""

from datetime import timedelta

from django.utils import timezone

from comments.models import QUESTIONS_PER_PAGE, Comment


def add_thread(article, count: int, *, questions: int = QUESTIONS_PER_PAGE) -> list[Comment]:
    """`count` published comments on `article`: the first `questions` are questions, the rest
    replies spread over them up to four levels deep, so one thread page holds them all;
    every seventh is a staff reply."""
    start = timezone.now() - timedelta(days=1)
    made: list[Comment] = []
    for i in range(count):
        parent = None if i < questions else made[(i - questions) // 3]
        comment = Comment(
            article=article,
            parent=parent,
            name=f"Reader {i}",
            email=f"r{i}@example.com",
            text=f"Comment number {i}. Is it normal to feel this after a long run? "
            "See https://example.com/advice for what I tried.",
            state=Comment.State.PUBLISHED,
            is_staff_reply=i % 7 == 0,
            created_at=start + timedelta(seconds=i),
        )
        comment.save()
        made.append(comment)
    return made
