"""What a footprint rests on: cited datasets or our estimates."""

from __future__ import annotations

import pytest

from analytics.evidence import by_category, evidence, is_estimate, split_kg
from analytics.factor_tables import load_factors
from analytics.footprint import ProductSpec, product_footprint

FACTORS = load_factors("2026.1")


def test_a_line_resting_on_any_estimate_counts_as_estimated() -> None:
    assert is_estimate("ECOLAURA2026")
    assert is_estimate("ECOLAURA2025; OWID2023")  # our process energy times a cited grid
    assert not is_estimate("DESNZ2024")
    assert not is_estimate("OWID2023; EPAHUB2025")


def test_shares_split_the_central_footprint_by_its_lines() -> None:
    # Glass (DESNZ) in a kitchen product: the material is cited, the process energy our estimate.
    fp = product_footprint(ProductSpec("kitchen", 1.0, [("glass", 1.0)], "DE", "cardboard"), FACTORS)
    cited, estimated = split_kg(fp)
    materials = fp.stages[0].kg_co2e.central
    assert cited >= materials > 0 and estimated > 0
    shares = evidence(fp)
    assert shares.cited_share == pytest.approx(cited / (cited + estimated), abs=1e-4)
    assert shares.cited_share + shares.estimated_share == pytest.approx(1, abs=1e-4)


def test_category_shares_weigh_each_product_by_its_units() -> None:
    glass = ProductSpec("kitchen", 1.0, [("glass", 1.0)], "DE", "cardboard")
    bamboo = ProductSpec("kitchen", 1.0, [("bamboo", 1.0)], "DE", "cardboard")  # an estimated material
    one, many = (
        by_category([(glass, 1), (bamboo, 1)], FACTORS),
        by_category([(glass, 9), (bamboo, 1)], FACTORS),
    )
    assert many["kitchen"].cited_share > one["kitchen"].cited_share
    assert many["all"] == many["kitchen"]
