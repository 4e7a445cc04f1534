"""The product's traffic lights: one vocabulary and one palette (DESIGN.md "Traffic lights").

Each module decides *when* a record is red, yellow or green with its own pure rule
(`plan.rules.status` for targets against the time-progress curve, `projects.rules` for
schedules by dates); every page then *says* it with these words and paints it with these
colours — the board, the big screen, the Gantt chart and the phone cards alike.
"""

from __future__ import annotations

GREEN, YELLOW, RED, DONE, NONE = "green", "yellow", "red", "done", "none"

LABELS = {
    GREEN: "绿灯",
    YELLOW: "黄灯",
    RED: "红灯",
    DONE: "已完成",
    NONE: "无法判断",
}
# What each colour means, in one phrase (legends and tooltips).
MEANINGS = {
    GREEN: "正常推进",
    YELLOW: "有风险，需关注",
    RED: "滞后，需督办",
    DONE: "已完成",
    NONE: "数据不足",
}
# The palette (also in static/zhenwu/css/zhenwu.css as --zw-light-*; charts read it from here).
COLOURS = {
    GREEN: "#2e7d32",
    YELLOW: "#f9a825",
    RED: "#c62828",
    DONE: "#546e7a",
    NONE: "#bdbdbd",
}
ORDER = {RED: 0, YELLOW: 1, GREEN: 2, DONE: 3, NONE: 4}


def normalise(status) -> str:
    return status if status in LABELS else NONE


def label(status) -> str:
    return LABELS[normalise(status)]


def colour(status) -> str:
    return COLOURS[normalise(status)]


def css_class(status) -> str:
    return f"light light-{normalise(status)}"
