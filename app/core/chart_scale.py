"""Round axis ticks for charts: 0, 50 000, 100 000, 150 000 instead of 158155."""

from __future__ import annotations

import math


def nice_ticks(maximum: float, *, target: int = 5) -> list[int]:
    """Tick values from 0 to a round top above `maximum`, about `target` intervals.

    The step is 1, 2, 2.5 or 5 times a power of ten, so labels read like people write them.
    """
    if maximum <= 1:
        return [0, 1]
    raw = maximum / target
    power = 10 ** max(0, math.floor(math.log10(raw)))
    factors = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)
    step = next(f * power for f in factors if f * power >= raw)
    count = math.ceil(maximum / step)
    return [int(round(i * step)) for i in range(count + 1)]


def euro_label(euros: int) -> str:
    """ "158 000 €" with a narrow no-break space between thousands (French)."""
    return f"{euros:,}".replace(",", "\u202f") + "\u00a0€"
