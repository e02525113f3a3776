"""Progress bars: SVG drawn in Python, since a page may hold a hundred of them.

Each bar has its figures as its accessible name; the page states them in text as well.
"""

from markupsafe import Markup, escape

from okr_app.okr.wording import percent


def progress_bar(progress, expected=None, label="Progress"):
    """Return the SVG of a bar filled to ``progress`` (0 to 100), marking ``expected``."""
    name = f"{label}: {percent(progress)} done"
    marker = ""
    if expected is not None:
        name += f", {percent(expected)} expected by today"
        marker = (
            f'<rect class="bar-expected" x="{max(expected - 0.6, 0):.2f}" y="0" '
            'width="1.2" height="10"/>'
        )
    # Only the name is text, escaped here; the rest is numbers (Markup.format is 5x slower).
    return Markup(  # noqa: S704
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'focusable="false" aria-label="{escape(name)}">'
        '<rect class="bar-track" x="0" y="0" width="100" height="10" rx="1"/>'
        f'<rect class="bar-fill" x="0" y="0" width="{progress:.2f}" height="10" rx="1"/>'
        f"{marker}</svg>"
    )
