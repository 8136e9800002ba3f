"""Calibration: the public figures the model cites, the sources of its numbers, and its 2022
baseline set beside the figures it can be compared with (``wargame calibration``)."""
