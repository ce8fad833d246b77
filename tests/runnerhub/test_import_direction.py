"""Imports run one way (README, Architecture): runnerhub <- articles <- comments, shop <-
newsletter <- demo. A module that imports upwards, or a template tag that imports views,
fails here. The root URLconf (runnerhub/urls.py) is the one upward import, by design."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("runnerhub", "articles", "comments", "shop", "newsletter", "demo")
# What each app may import of the others.
MAY_IMPORT = {
    "runnerhub": set(),
    "articles": {"runnerhub"},
    "comments": {"runnerhub", "articles"},
    "shop": {"runnerhub", "articles"},
    # This week's answered questions; the shop's links and clicks in an issue.
    "newsletter": {"runnerhub", "articles", "comments", "shop"},
    "demo": {"runnerhub", "articles", "comments", "shop", "newsletter"},
}
UPWARD_BY_DESIGN = {ROOT / "runnerhub" / "urls.py"}


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_what_is_below_it(app):
    wrong = []
    for path in (ROOT / app).rglob("*.py"):
        if path in UPWARD_BY_DESIGN or "migrations" in path.parts:
            continue
        for module in imports_of(path):
            top = module.split(".")[0]
            if top in APPS and top != app and top not in MAY_IMPORT[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_template_tags_do_not_import_views():
    wrong = []
    for path in ROOT.glob("*/templatetags/*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                (node.module or "").endswith("views")
                or any(alias.name == "views" for alias in node.names)
            ):
                wrong.append(str(path.relative_to(ROOT)))
    assert wrong == []
