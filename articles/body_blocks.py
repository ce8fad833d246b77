"""Body blocks: a one-line paragraph in an article body that renders as something else,
e.g. `[video]`, `[product foam-roller]` or `[shop muscle-recovery]`.

Editors type the line in CKEditor like any text, so it survives the sanitizer unchanged
and needs no HTML. Apps register a renderer for their names (articles registers `video`;
the shop registers `product` and `shop`), so this app never imports them. A renderer gets
every argument used on the page at once, so a page with ten product cards costs one query.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

BLOCK_LINE = re.compile(r"<p>\[(?P<name>[a-z]+)(?:\s+(?P<arg>[a-z0-9_-]{1,80}))?\]</p>")


@dataclass(frozen=True)
class BodyBlock:
    # render(article, args) -> {arg: html}; args missing from the result render as nothing.
    render: Callable
    # missing(args) -> the args that do not exist, for the editor's error message.
    missing: Callable | None = None
    takes_arg: bool = True
    example: str = ""
    # needs(article) -> why this article cannot show the block ("" when it can), e.g. [video]
    # on an article without a video address.
    needs: Callable | None = None
    # The fragment scopes of what it shows (runnerhub/fragments.py), e.g. ("shop",): a
    # change there renders the bodies that use it afresh.
    scopes: tuple[str, ...] = ()
    # renamed(args) -> {old arg: current arg}: args that still work because what they name
    # was renamed (the block follows it), for a hint to the editor.
    renamed: Callable | None = None


_registry: dict[str, BodyBlock] = {}


def register(name: str, block: BodyBlock) -> None:
    _registry[name] = block


def scopes() -> tuple[str, ...]:
    return tuple(sorted({scope for block in _registry.values() for scope in block.scopes}))


def examples() -> list[str]:
    return [block.example for block in _registry.values() if block.example]


def _found(html: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for match in BLOCK_LINE.finditer(html):
        found.setdefault(match["name"], set()).add(match["arg"] or "")
    return found


def render_blocks(article, html: str) -> str:
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

    return BLOCK_LINE.sub(replace, html)


def problems(html: str, article=None) -> list[str]:
    """What an editor should fix: unknown block names, things that do not exist and, given
    the article as it will be saved, blocks it cannot show."""
    messages = []
    for name, args in sorted(_found(html).items()):
        block = _registry.get(name)
        if block is None:
            known = ", ".join(f"[{n}]" for n in sorted(_registry))
            messages.append(f"[{name}] is not a block we know (use one of {known}).")
            continue
        if block.takes_arg and "" in args:
            messages.append(f"[{name}] needs a name after it, e.g. {block.example}.")
        if block.missing:
            for arg in sorted(block.missing(args - {""})):
                messages.append(f"[{name} {arg}]: nothing is called “{arg}”.")
        if block.needs and article is not None and (why := block.needs(article)):
            messages.append(why)
    return messages


def hints(html: str) -> list[str]:
    """What an editor may want to update though it works: blocks that name something by
    the name it had before a rename."""
    messages = []
    for name, args in sorted(_found(html).items()):
        block = _registry.get(name)
        if block is None or block.renamed is None or not (args - {""}):
            continue
        for old, new in sorted(block.renamed(args - {""}).items()):
            messages.append(
                f"[{name} {old}]: “{old}” was renamed “{new}”. The block shows it all the "
                f"same; writing [{name} {new}] makes that plain."
            )
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
    BodyBlock(render=_render_video, takes_arg=False, example="[video]", needs=_video_needs),
)
