import pytest


@pytest.fixture(autouse=True)
def _no_report_cache(settings):
    """Figures must be computed fresh in tests (row ids repeat between tests)."""
    settings.REPORTS_CACHE_SECONDS = 0
