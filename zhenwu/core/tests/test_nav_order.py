"""The menu's order: within one group no two entries share an order number, so the sidebar
reads the same on every start (a tie was broken by the label, which interleaved modules: 双征
between 企业名录 and 四上培育库, and 听证 / 社保名单 / 矛盾纠纷 all at 24)."""

from __future__ import annotations

from collections import defaultdict

from django.urls import get_resolver

from zhenwu.core.registry import nav_items


def _items():
    get_resolver().url_patterns  # noqa: B018 - the URLconf registers every module's resources
    return nav_items()


def test_no_two_entries_of_a_group_share_an_order():
    by_slot = defaultdict(list)
    for item in _items():
        by_slot[(item.group, item.order)].append(item.label)
    clashes = {slot: labels for slot, labels in by_slot.items() if len(labels) > 1}
    assert not clashes, f"menu entries sharing an order within their group: {clashes}"


def test_a_modules_entries_stay_together_in_its_group():
    """Within a group, each module's entries form one run (no module interleaved with another)."""
    runs = defaultdict(list)
    for item in _items():
        module = item.url_name.split(":")[0]
        seq = runs[item.group]
        if not seq or seq[-1] != module:
            seq.append(module)
    split = {g: seq for g, seq in runs.items() if len(seq) != len(set(seq))}
    assert not split, f"modules split within a menu group: {split}"


def test_the_land_entries_read_in_the_order_of_the_work():
    labels = [i.label for i in _items() if i.url_name.startswith("land:")]
    assert labels == [
        "双征进度",
        "征收任务",
        "地块",
        "被征收户",
        "矛盾纠纷",
        "听证",
        "社保名单",
        "区片综合地价",
        "房屋补偿标准",
    ]
