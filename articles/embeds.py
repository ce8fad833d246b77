"""Blocks placed in an article body with a one-line paragraph, e.g. `[video]`,
`[product foam-roller]` or `[shop muscle-recovery]`.

Editors type the line in CKEditor like any text, so it survives the sanitizer unchanged
and needs no HTML. Apps register a renderer for their names (articles registers `video`;
the shop registers `product` and `shop`), so this app never imports them. A renderer gets
every argument used on the page at once, so a page with ten product cards costs one query.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

SHORTCODE = re.compile(r"<p>\[(?P<name>[a-z]+)(?:\s+(?P<arg>[a-z0-9_-]{1,80}))?\]</p>")


@dataclass(frozen=True)
class Embed:
    # render(article, args) -> {arg: html}; args missing from the result render as nothing.
    render: Callable
    # missing(args) -> the args that do not exist, for the editor's error message.
    missing: Callable | None = None
    takes_arg: bool = True
    example: str = ""
    # needs(article) -> why this article cannot show the block ("" when it can), e.g. [video]
    # on an article without a video address.
    needs: Callable | None = None


_registry: dict[str, Embed] = {}


def register(name: str, embed: Embed) -> None:
    _registry[name] = embed


def examples() -> list[str]:
    return [embed.example for embed in _registry.values() if embed.example]


def _found(html: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for match in SHORTCODE.finditer(html):
        found.setdefault(match["name"], set()).add(match["arg"] or "")
    return found


def render_embeds(article, html: str) -> str:
    found = _found(html)
    if not found:
        return html
    rendered = {
        name: _registry[name].render(article, args)
        for name, args in found.items()
        if name in _registry
    }

    def replace(match: re.Match) -> str:
        return rendered.get(match["name"], {}).get(match["arg"] or "", "")

    return SHORTCODE.sub(replace, html)


def problems(html: str, article=None) -> list[str]:
    """What an editor should fix: unknown block names, things that do not exist and, given
    the article as it will be saved, blocks it cannot show."""
    messages = []
    for name, args in sorted(_found(html).items()):
        embed = _registry.get(name)
        if embed is None:
            known = ", ".join(f"[{n}]" for n in sorted(_registry))
            messages.append(f"[{name}] is not a block we know (use one of {known}).")
            continue
        if embed.takes_arg and "" in args:
            messages.append(f"[{name}] needs a name after it, e.g. {embed.example}.")
        if embed.missing:
            for arg in sorted(embed.missing(args - {""})):
                messages.append(f"[{name} {arg}]: nothing is called “{arg}”.")
        if embed.needs and article is not None and (why := embed.needs(article)):
            messages.append(why)
    return messages


def _render_video(article, args) -> dict[str, str]:
    if not article.video:
        return {}
    return {"": render_to_string("articles/includes/_video.html", {"article": article})}


def _video_needs(article) -> str:
    if article.video:
        return ""
    return (
        "[video] places the article's video, and this article has none: enter its address "
        "under Video, or remove the line."
    )


register(
    "video",
    Embed(render=_render_video, takes_arg=False, example="[video]", needs=_video_needs),
)
