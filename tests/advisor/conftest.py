"""The demo shop every advisor test asks its questions of."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.advisor.shop import ShopSources, build_shop


@pytest.fixture
async def sources(tmp_path: Path) -> AsyncIterator[ShopSources]:
    shop = await build_shop(tmp_path / "search")
    yield ShopSources(shop)
    assert shop.engine is not None
    await shop.engine.close()
