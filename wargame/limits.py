"""How much work a scenario may ask for, and how large what the engine writes and reads may be.

Why one module: a scenario that passes ``wargame validate`` must be playable, and a game that plays
must be savable and its save readable again. Each bound below is checked where the work is asked
for (a scenario's clock and sources at validation; events and chains of events while the game
runs; a journal when it is written and when it is read), and every check names the bound it hit,
so the limits cannot drift apart between the writer and the reader. The values are generous for
any real exercise or analysis (the shipped scenarios use well under 1 % of each) and stop a typo
(``tick_weeks: 1e-6``) from becoming a hang with memory growing by the second.
"""

from __future__ import annotations

MAX_HORIZON_WEEKS = 52 * 100
"""A game covers at most a century."""
MAX_TICKS = MAX_HORIZON_WEEKS * 7
"""Ticks in a game (``horizon_weeks / tick_weeks``): daily ticks for a century."""
MAX_TURNS = MAX_HORIZON_WEEKS
"""Turns in a game (``horizon_weeks / turn_weeks``): weekly turns for a century."""
MAX_SOURCE_RATE = 1000.0
"""Mean arrivals per week of all random sources together."""
MAX_SOURCE_EVENTS = 100_000
"""Expected arrivals of all random sources over the horizon."""
MAX_EVENTS = 250_000
"""Events in one game, whatever raises them (sources, rules, triggers, moves)."""
MAX_EVENTS_PER_WEEK = 10_000
"""Sustained events per week of game time: more is a loop of rules with tiny delays."""
RATE_WINDOW = 4096
"""The rate is checked every this many events, over the game time they took."""
MAX_CHAIN = 64
"""Events raised by one another in one instant (a trigger's effect crossing another trigger, a
rule answering a move at once): a longer chain is a loop."""
MAX_TEXT = 10_000
"""Characters in a free text a person or program submits (a rationale, an injected event's
description)."""
MAX_RATIONALE = 2_000
"""Characters in a player's rationale for a move or a withdrawal (``Game.submit`` and
``Game.withdraw``): a paragraph of why, carried in the journal and the after-action report."""
MAX_JOURNAL_BYTES = 256 * 1024 * 1024
"""A journal file, as written and as read."""
MAX_SCENARIO_BYTES = 1024 * 1024
"""A scenario (or world) file: a page of settings; a larger file is a mistake."""
MAX_WHOLE_NUMBER = 2**53
"""Largest whole-number parameter: every whole number up to it is exact as a float, so a
parameter means the same in a move, an effect and a journal."""
