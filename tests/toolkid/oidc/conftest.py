"""The OIDC tests run against a real provider process (tests/oidc/provider.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.oidc.provider import Provider, free_port


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    provider = Provider(port=free_port())
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _fresh_oidc_cache():
    """Discovery and keys are cached per issuer; each test starts from the provider itself."""
    cache.clear()
    yield
    cache.clear()
