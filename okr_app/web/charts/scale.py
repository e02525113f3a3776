"""Linear scales and tick values shared by the charts."""

import math


class Scale:
    """Map a domain (low, high) linearly onto a range of SVG coordinates."""

    def __init__(self, low, high, start, end):
        if high == low:
            low, high = low - 1, high + 1
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value):
        """Return the coordinate of ``value``, rounded to a tenth of a pixel."""
        share = (value - self.low) / (self.high - self.low)
        return round(self.start + share * (self.end - self.start), 1)


def nice_ticks(low, high, count=5):
    """Return round values from low to high, at most ``count`` + 1 (steps of 1, 2 or 5 x 10^n)."""
    if high == low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step)
    last = min(math.floor(high / step + 1e-9), first + count)
    # Each tick from its index: adding the step up would stand still where it is below the
    # floats' spacing at that size (a spread of 0.06 around 5e14).
    ticks = [round(index * step, 10) for index in range(first, last + 1)]
    return sorted(set(ticks)) or [low]


def padded(values, share=0.08):
    """Return (low, high) around ``values`` with a margin of ``share`` of their spread."""
    low, high = min(values), max(values)
    margin = (high - low) * share or abs(high) * share or 1.0
    return low - margin, high + margin
