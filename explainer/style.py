"""The house style in colour: one palette, named roles, and one vocabulary for the timeline's categories.

Charts and maps take their colours from here by role (``FOCUS``, ``INK``, ``RULE`` …), never by hex
value, so a change of style is one edit. The palette is Okabe–Ito, safe for the common forms of colour
blindness.
"""
from __future__ import annotations

from .i18n import N_, tr

#: Okabe–Ito, plus two greys.
PALETTE = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#8C8C8C", "light": "#D9D9D9",
}

# ---- roles
FOCUS = PALETTE["vermillion"]  # the subject of a chart: Guerrero Flores, the indictment, Tren de Aragua
BASE = PALETTE["blue"]         # everything else that carries data
MUTED = "#9DB7CF"              # data shown for context
INK_STRONG = "#111111"         # emphasised text drawn on a chart (lane titles, the highlighted event)
INK = "#222222"                # labels and annotations
TICK = "#333333"               # tick labels
INK_MID = "#444444"            # subtitles and axis lines
INK_SOFT = "#555555"           # source lines, secondary dates
RULE_STRONG = "#666666"        # short marks on an axis
LEADER = "#999999"             # thin lines joining a label to its mark
AXIS = "#BBBBBB"               # a drawn date axis
RULE = "#DDDDDD"               # a lane's base line
RULE_FAINT = "#EEEEEE"         # lane guides
GRID = "#F0F0F0"               # grid lines
PAPER = "#FFFFFF"

#: timeline.csv ``category`` → (name, colour): the one vocabulary for lanes, legends and tables.
CATEGORIES = {
    "designation": (N_("Designations and sanctions"), PALETTE["blue"]),
    "indictment": (N_("Charges"), PALETTE["vermillion"]),
    "reward": (N_("Rewards"), PALETTE["orange"]),
    "military": (N_("Military"), PALETTE["black"]),
    "deportation": (N_("Deportations"), PALETTE["purple"]),
    "court": (N_("Court rulings"), PALETTE["green"]),
    "venezuela": (N_("In Venezuela"), PALETTE["blue"]),
    "regional": (N_("Elsewhere in the region"), PALETTE["green"]),
    "migration": (N_("Migration"), PALETTE["sky"]),
    "assessment": (N_("Assessments"), PALETTE["grey"]),
}
CATEGORY_NAMES = {c: name for c, (name, _) in CATEGORIES.items()}  # English; category_name() translates


def category_name(category: str) -> str:
    """A timeline category's name in the language the book is being written in."""
    return tr(CATEGORY_NAMES[category])
CATEGORY_COLORS = {c: color for c, (_, color) in CATEGORIES.items()}

