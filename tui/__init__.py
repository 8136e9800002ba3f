"""The Textual front end of wargame: seats for each team and the white cell, hand-over
between seats, a facilitator console, autosave and resume. A client of ``wargame``'s public API
(``wargame play``, ``wargame serve``, ``python -m tui``)."""
