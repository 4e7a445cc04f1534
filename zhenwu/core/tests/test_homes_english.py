"""The role homes in English: every section title, empty text and one-tap action a module
declares (`HomeSection(label=…, empty=…)`, `HomeItem(action=…)`) has its English in the
catalogue — the home templates translate them as they render (`{% trans section.label %}`) —
and so has every note's wording the homes compose with `gettext`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from zhenwu.land import rules as land_rules

ROOT = Path(__file__).resolve().parents[2]
WORDS = ("label", "empty", "action")


def _declared() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ROOT.glob("*/homes.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = getattr(getattr(node, "func", None), "id", "")
            if isinstance(node, ast.Call) and name == "gettext" and node.args:
                arg = node.args[0]  # a note's words: gettext("时限 %(date)s") % {…}
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((f"{path.parent.name}/homes.py gettext", arg.value))
                continue
            if not (isinstance(node, ast.Call) and name in ("HomeSection", "HomeItem")):
                continue
            for kw in node.keywords:
                if kw.arg not in WORDS:
                    continue
                for const in ast.walk(kw.value):
                    text = const.value if isinstance(const, ast.Constant) else None
                    if isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text):
                        found.append((f"{path.parent.name}/homes.py {kw.arg}", text))
    # 双征's action names the next stage: 「推进到签约」 …
    found += [
        ("land/homes.py action", f"推进到{label}") for label in land_rules.STAGE_LABELS.values()
    ]
    return found


def test_the_homes_declare_their_words():
    words = {text for _, text in _declared()}
    assert {"我的待办", "更新", "续证", "推进到腾空"} <= words, sorted(words)


@pytest.mark.parametrize("where,text", _declared())
def test_every_home_word_has_its_english(where, text):
    with translation.override("en"):
        english = translation.gettext(text)
    assert english != text, f"{where}: 「{text}」 has no English in the catalogue"
