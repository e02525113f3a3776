"""The webhook tests' receiver serves the worker's tests too."""

from tests.webhooks.conftest import receiver  # noqa: F401  (a fixture)
