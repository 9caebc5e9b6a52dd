"""The footprint calculator against hand-computed examples, properties and bad data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.eco_score import footprint_points
from analytics.factor_tables import FactorVersionError, available_versions, load_factors
from analytics.footprint import FootprintError, ProductSpec, baseline_spec, last_mile, product_footprint
from analytics.order_footprint import OrderItem, order_footprint

FACTORS = load_factors("2025.1")
BOARD = ProductSpec("kitchen", 1.0, [("fsc wood", 0.9)], "DE", "paper", ["FSC"])


def test_a_wooden_board_made_in_germany_stage_by_stage():
    fp = product_footprint(BOARD, FACTORS)
    stages = {s.name: s.kg_co2e for s in fp.stages}
    # materials: 0.9 kg fsc wood x 0.31 kg CO2e/kg (low 0.25, high 0.6)
    assert stages["materials"].central == pytest.approx(0.279)
    assert (stages["materials"].low, stages["materials"].high) == pytest.approx((0.225, 0.54))
    # manufacturing: kitchen 2.0 kWh/kg x 1.0 kg x DE grid 0.38 kg/kWh; low 1.0 x 0.32, high 4.0 x 0.44
    assert stages["manufacturing"].central == pytest.approx(0.76)
    assert (stages["manufacturing"].low, stages["manufacturing"].high) == pytest.approx((0.32, 1.76))
    # packaging: paper, 0.02 kg + 0.04 kg/kg x 1.0 kg = 0.06 kg x 0.92
    assert stages["packaging"].central == pytest.approx(0.0552)
    # transport: DE is 500 km by road; (1.0 + 0.06) kg = 0.00106 t x 500 km = 0.53 tkm x 0.107
    assert stages["transport"].central == pytest.approx(0.0567)
    assert fp.shipped_kg == pytest.approx(1.06)
    # 0.279 + 0.76 + 0.0552 + 0.0567
    assert fp.kg_co2e.central == pytest.approx(1.1509)
    assert fp.kg_co2e.low < fp.kg_co2e.central < fp.kg_co2e.high


def test_the_kitchen_baseline_savings_and_eco_score():
    fp = product_footprint(BOARD, FACTORS)
    # baseline: plastic 0.6 kg x 3.1 + steel 0.4 kg x 2.85 = 3.0; CN grid 2.0 kWh x 0.58 = 1.16;
    # plastic film 0.03 kg x 2.6 = 0.078; sea 0.00103 t x 19500 km x 0.016 = 0.3214 and
    # road 0.00103 t x 600 km x 0.107 = 0.0661
    assert fp.baseline.category == "kitchen"
    assert fp.baseline.kg_co2e.central == pytest.approx(3.0 + 1.16 + 0.078 + 0.3214 + 0.0661)
    assert fp.savings_kg_co2e == pytest.approx(4.6255 - 1.1509)
    # ratio 1.1509 / 4.6255 = 0.2488 -> 70 x (1.2 - 0.2488) = 66.58 points; FSC 10; paper 8
    score = fp.eco_score
    assert score.ratio_to_baseline == pytest.approx(0.2488, abs=1e-4)
    assert score.footprint_points == pytest.approx(66.58, abs=0.01)
    assert (score.certification_points, score.packaging_points, score.score) == (10, 8, 85)


def test_every_factor_line_cites_a_known_source():
    fp = product_footprint(BOARD, FACTORS)
    for stage in fp.stages:
        for use in stage.items:
            for source in use.source.split("; "):
                assert source in FACTORS.sources, use


def test_an_order_adds_the_last_mile_and_keeps_it_out_of_the_savings():
    fp = product_footprint(BOARD, FACTORS)
    order = order_footprint([OrderItem("p1", 1, 2, fp)], "DE", "standard", FACTORS)
    # last mile: 2 x 1.06 kg = 0.00212 t x 500 km road x 0.107 = 0.1134, plus 0.25 per parcel
    assert order.shipping.kg_co2e.central == pytest.approx(0.3634)
    assert order.products_kg_co2e.central == pytest.approx(2 * 1.1509)
    assert order.kg_co2e.central == pytest.approx(2.3018 + 0.3634)
    assert order.baseline_kg_co2e == pytest.approx(2 * 4.6255 + 0.3634)
    assert order.savings_kg_co2e == pytest.approx(2 * (4.6255 - 1.1509))


def test_overseas_express_flies_and_slow_green_sails():
    air = last_mile(1.0, "US", "express", FACTORS)
    sea = last_mile(1.0, "US", "slow-green", FACTORS)
    # express: 0.001 t x 6500 km x 1.0 by air + 900 km road x 0.107 + 0.55 parcel
    assert air.kg_co2e.central == pytest.approx(6.5 + 0.0963 + 0.55)
    # slow-green: 0.001 t x 6500 km x 0.016 by sea + road + 0.06 parcel
    assert sea.kg_co2e.central == pytest.approx(0.104 + 0.0963 + 0.06)


@given(
    small=st.floats(0.01, 5.0),
    extra=st.floats(0.01, 5.0),
    material=st.sampled_from(sorted(FACTORS.materials)),
)
def test_footprint_grows_with_material_mass(small, extra, material):
    weight = small + extra
    lighter = ProductSpec("kitchen", weight, [(material, small)], "PT", "paper")
    heavier = ProductSpec("kitchen", weight, [(material, small + extra)], "PT", "paper")
    assert (
        product_footprint(heavier, FACTORS).kg_co2e.central
        >= product_footprint(lighter, FACTORS).kg_co2e.central
    )


@given(category=st.sampled_from(sorted(FACTORS.baselines)), weight=st.floats(0.05, 50.0))
def test_savings_are_zero_when_the_product_is_its_baseline(category, weight):
    _, conventional = baseline_spec(category, weight, FACTORS)
    fp = product_footprint(conventional, FACTORS)
    assert fp.savings_kg_co2e == 0
    assert fp.kg_co2e == fp.baseline.kg_co2e


def test_categories_without_a_baseline_use_the_general_one_and_say_so():
    fp = product_footprint(ProductSpec("bathroom", 1.0, [("cork", 0.5)], "PT", "none"), FACTORS)
    assert fp.baseline.category == "general"


def test_eco_score_footprint_points_are_linear_between_the_bounds():
    assert footprint_points(0.0) == 70
    assert footprint_points(0.2) == 70
    assert footprint_points(0.7) == pytest.approx(35)
    assert footprint_points(1.2) == 0
    assert footprint_points(3.0) == 0


def test_certifications_are_capped_and_unknown_ones_listed():
    spec = ProductSpec("apparel", 0.3, [("organic cotton", 0.3)], "IN", "none", ["GOTS", "FSC", "Magic"])
    score = product_footprint(spec, FACTORS).eco_score
    assert score.certification_points == 20
    assert score.unrecognised_certifications == ["Magic"]


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        (ProductSpec("kitchen", 1.0, [("unobtainium", 0.5)], "DE", "paper"), "materials", "unobtainium"),
        (ProductSpec("kitchen", 1.0, [("cork", 0.5)], "AQ", "paper"), "origin_country", "'AQ'"),
        (ProductSpec("kitchen", 0.0, [("cork", 0.5)], "DE", "paper"), "weight_kg", "above 0"),
        (ProductSpec("kitchen", 1.0, [("cork", 0.0)], "DE", "paper"), "materials", "positive kg"),
        (ProductSpec("kitchen", 1.0, [("cork", 0.5)], "DE", "bubble-wrap"), "packaging", "bubble-wrap"),
        (ProductSpec("kitchen", 1.0, [], "DE", "paper"), "materials", "at least one"),
    ],
)
def test_bad_data_is_a_clear_error_never_a_silent_zero(spec, field, words):
    with pytest.raises(FootprintError, match=words) as caught:
        product_footprint(spec, FACTORS)
    assert caught.value.field == field


def test_a_destination_without_a_route_is_an_error():
    with pytest.raises(FootprintError, match=r"shipping\.country"):
        last_mile(1.0, "AQ", "standard", FACTORS)


def test_factor_versions_are_listed_and_an_unknown_one_is_refused():
    assert "2025.1" in available_versions()
    with pytest.raises(FactorVersionError, match=r"1999\.1"):
        load_factors("1999.1")


def test_every_table_row_cites_a_listed_source():
    tables = [FACTORS.materials, FACTORS.grid, FACTORS.manufacturing, FACTORS.transport]
    for table in tables:
        for factor in table.values():
            assert factor.source in FACTORS.sources
            assert factor.low <= factor.central <= factor.high
    for baseline in FACTORS.baselines.values():
        assert sum(share for _, share in baseline.materials) == pytest.approx(1.0)
        assert all(m in FACTORS.materials for m, _ in baseline.materials)


def test_every_demo_product_can_be_rated():
    from ecolaura.demo_catalog import generate_products

    scores = set()
    for p in generate_products(2000, 42):
        fp = product_footprint(
            ProductSpec(
                p.category, p.weight_kg, p.materials, p.origin_country, p.packaging, p.certifications
            ),
            FACTORS,
        )
        scores.add(fp.eco_score.score // 10)
    assert len(scores) >= 8  # the demo catalog spans the whole scale, not one bucket
