"""Session-wide imports of the real datasets, shared by the converter tests and the warehouse tests.

The datasets are imported into two landing folders ("shops") because two of them are different
shops whose order ids collide (3 GA4 transaction ids equal UCI invoice numbers): one warehouse per
shop keeps each dataset's orders its own, as in a real deployment.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.importers._shared import Landed

SHOP = {"ga4": "shop_a", "rees46": "shop_a", "segment": "shop_a", "olist": "shop_b", "uci": "shop_b"}


@pytest.fixture(scope="session")
def real_landing_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("real_landing")


@pytest.fixture(scope="session")
def landed_real(real_landing_root) -> Callable[[str, Path], Landed]:
    """landed_real(fmt, dataset) -> that dataset imported once per session into its shop's landing."""
    cache: dict[str, Landed] = {}

    def get(fmt: str, dataset: Path) -> Landed:
        if fmt not in cache:
            cache[fmt] = Landed(fmt, dataset, real_landing_root / SHOP[fmt])
        return cache[fmt]

    return get
