"""The pipelines on a tiny hand-made lake: Polars and DuckDB agree with each other and with the calculator."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from analytics import lake as lake_module
from analytics.factor_tables import load_factors
from analytics.footprint import ProductSpec, product_footprint
from analytics.lake import LakeGenerations, LakeWriter
from analytics.order_footprint import OrderItem, order_footprint
from analytics.pipelines.run import compute, live_lake, write_results
from analytics.rerating import NOISE_KG
from write_side.contracts import events as ev

FACTORS = load_factors("2025.1")
AS_OF = datetime(2026, 3, 18, 12, tzinfo=UTC)  # a Wednesday: the week began on Monday 16 March


def _snapshot(pid: str, version: int, spec: ProductSpec) -> ev.ProductSnapshot:
    return ev.ProductSnapshot(
        product_id=pid,
        sku=f"SKU-{pid}",
        name=pid,
        description="",
        category=spec.category,
        brand="B",
        price=ev.Money(1000, "EUR"),
        weight_kg=spec.weight_kg,
        materials=[ev.MaterialShare(m, kg) for m, kg in spec.materials],
        origin_country=spec.origin_country,
        packaging=spec.packaging,
        certifications=list(spec.certifications),
        status="active",
        version=version,
        footprint=product_footprint(spec, FACTORS),
    )


BOARD = ProductSpec("kitchen", 1.0, [("fsc wood", 0.9)], "DE", "paper", ["FSC"])
BOARD_V2 = ProductSpec("kitchen", 1.0, [("bamboo", 0.9)], "CN", "none", ["FSC"])
TOTE = ProductSpec("bags-accessories", 0.2, [("organic cotton", 0.18)], "IN", "paper", ["GOTS"])


class _Log:
    def __init__(self) -> None:
        self.events: list[ev.RecordedEvent] = []

    def add(self, event: ev.Event, at: str) -> None:
        n = len(self.events) + 1
        self.events.append(
            ev.RecordedEvent(
                position=n,
                tx_id=1000 + n,
                causal_tx=1000 + n,
                stream_id="s",
                stream_version=1,
                event_type=ev.event_type(event),
                schema_version=1,
                event=event,  # type: ignore[arg-type]
                metadata=ev.EventMetadata("c", "c"),
                recorded_at=at,
            )
        )

    def order(
        self, oid: str, cid: str, items: list[tuple[str, int, ProductSpec, int]], at: str, method: str
    ) -> None:
        fp = order_footprint(
            [OrderItem(pid, v, q, product_footprint(spec, FACTORS)) for pid, v, spec, q in items],
            "DE",
            method,
            FACTORS,
        )
        lines = [ev.OrderLine(pid, "S", pid, spec.category, q, 1000, 1000 * q) for pid, _, spec, q in items]
        self.add(
            ev.OrderPlaced(oid, cid, "EUR", lines, 1, 0, 0, 1, "DE", method, at, footprint=fp),
            at,
        )


def _lake(tmp_path, *, paid: tuple[str, ...] = ("o1", "o2", "o4"), extra: tuple[ev.Event, ...] = ()):
    log = _Log()
    log.add(ev.ProductCreated(product=_snapshot("board", 1, BOARD)), "2026-01-01T00:00:00+00:00")
    log.add(ev.ProductCreated(product=_snapshot("tote", 1, TOTE)), "2026-01-01T00:00:00+00:00")
    log.order("o1", "alice", [("board", 1, BOARD, 2)], "2026-02-10T10:00:00+00:00", "standard")
    log.add(
        ev.ProductUpdated(product=_snapshot("board", 2, BOARD_V2), changed_fields=["materials"]),
        "2026-03-01T00:00:00+00:00",
    )
    log.order(
        "o2",
        "bob",
        [("board", 2, BOARD_V2, 1), ("tote", 1, TOTE, 3)],
        "2026-03-17T09:00:00+00:00",
        "slow-green",
    )
    log.order("o3", "carol", [("tote", 1, TOTE, 5)], "2026-03-17T11:00:00+00:00", "express")  # never paid
    log.order("o4", "alice", [("tote", 1, TOTE, 1)], "2026-03-02T08:00:00+00:00", "standard")
    for oid in paid:
        log.add(
            ev.OrderPaid(oid, "x", 1, "EUR", "ref", "2026-03-17T12:00:00+00:00"), "2026-03-17T12:00:00+00:00"
        )
    if "o2" in paid and "o1" in paid:
        # the ledger's points: bob's order delivered; alice's first delivered, then partly refunded
        at = "2026-03-18T12:00:00+00:00"
        log.add(ev.EcoPointsEarned("o2", "bob", 62, 62, at), at)
        log.add(ev.EcoPointsEarned("o1", "alice", 30, 30, at), at)
        log.add(ev.EcoPointsReversed("o1", "alice", 10, 20, at), at)
    for event in extra:
        log.add(event, "2026-03-18T13:00:00+00:00")
    root = tmp_path / "lake"
    writer = LakeWriter(LakeGenerations(root).path(1))
    writer.write(log.events[:4])  # two flushes, as a following projector would
    writer.write(log.events[4:])
    writer.close()
    return root, log


def _recorded(log: _Log) -> dict[str, ev.OrderPlaced]:
    return {e.event.order_id: e.event for e in log.events if isinstance(e.event, ev.OrderPlaced)}


@pytest.fixture
def lake(tmp_path):
    return _lake(tmp_path)


def test_polars_and_duckdb_agree_on_every_report(lake) -> None:
    root, _ = lake
    source, position, count = live_lake(root)
    polars_run = compute(source, FACTORS, "polars", AS_OF, position=(position, count))
    duckdb_run = compute(source, FACTORS, "duckdb", AS_OF, position=(position, count))
    assert set(polars_run.tables) == set(duckdb_run.tables)
    for name, expected in polars_run.tables.items():
        got = duckdb_run.tables[name]
        assert_frame_equal(got, expected, check_dtypes=False, abs_tol=1e-9, check_column_order=False)


def test_totals_equal_what_the_command_side_recorded_for_paid_orders(lake) -> None:
    root, log = lake
    source, *_ = live_lake(root)
    run = compute(source, FACTORS, "polars", AS_OF)
    recorded = _recorded(log)
    paid = [recorded[o].footprint for o in ("o1", "o2", "o4")]
    platform = run.tables["platform"].row(0, named=True)
    assert platform["orders"] == 3 and platform["customers"] == 2  # carol never paid
    assert platform["units"] == 2 + 4 + 1
    assert platform["kg_co2e"] == pytest.approx(sum(f.kg_co2e.central for f in paid), abs=1e-3)
    assert platform["saved_kg_co2e"] == pytest.approx(sum(f.savings_kg_co2e for f in paid), abs=1e-3)
    # o1 used the board's first version (German wood), o2 its second (Chinese bamboo)
    by_product = {r["product_id"]: r for r in run.tables["by_product"].iter_rows(named=True)}
    board_v1 = product_footprint(BOARD, FACTORS).kg_co2e.central
    board_v2 = product_footprint(BOARD_V2, FACTORS).kg_co2e.central
    assert by_product["board"]["kg_co2e"] == pytest.approx(2 * board_v1 + board_v2)
    assert by_product["tote"]["units"] == 4


def test_leaderboards_rank_by_period_with_deterministic_ties(lake) -> None:
    root, log = lake
    source, *_ = live_lake(root)
    boards = compute(source, FACTORS, "polars", AS_OF).tables["leaderboards"]
    recorded = _recorded(log)
    saved = {o: recorded[o].footprint.savings_kg_co2e for o in ("o1", "o2", "o4")}

    def board(name: str, period: str) -> list[tuple[int, str, float]]:
        rows = boards.filter((pl.col("board") == name) & (pl.col("period") == period))
        return [(r["rank"], r["customer_id"], r["value"]) for r in rows.iter_rows(named=True)]

    # this week (from Monday 16 March): only bob's order of the 17th
    assert [(r, c) for r, c, _ in board("co2e-saved", "week")] == [(1, "bob")]
    # this month: bob (o2) and alice (o4 on 2 March); all time adds alice's February order
    month = board("co2e-saved", "month")
    assert {c: v for _, c, v in month} == pytest.approx({"bob": saved["o2"], "alice": saved["o4"]}, abs=1e-3)
    all_time = {c: v for _, c, v in board("co2e-saved", "all")}
    assert all_time["alice"] == pytest.approx(saved["o1"] + saved["o4"], abs=1e-3)
    # eco points: the ledger's, earned less reversed (alice's o4 was never delivered)
    points = {c: v for _, c, v in board("eco-points", "all")}
    assert points == {"bob": 62, "alice": 20}


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_opted_out_and_erased_customers_are_on_no_board(tmp_path, engine: str) -> None:
    hide = (
        ev.LeaderboardVisibilityChanged("bob", False, "2026-03-18T13:00:00+00:00"),
        ev.LeaderboardVisibilityChanged("alice", False, "2026-03-18T13:00:00+00:00"),
        ev.LeaderboardVisibilityChanged("alice", True, "2026-03-18T13:00:00+00:00"),  # changed her mind
    )
    root, _ = _lake(tmp_path, extra=hide)
    source, *_ = live_lake(root)
    boards = compute(source, FACTORS, engine, AS_OF).tables["leaderboards"]
    assert set(boards["customer_id"]) == {"alice"}
    erased = (ev.CustomerErased("alice", "Shopper alice", "2026-03-18T14:00:00+00:00"),)
    root, _ = _lake(tmp_path / "erased", extra=(*hide, *erased))
    source, *_ = live_lake(root)
    assert compute(source, FACTORS, engine, AS_OF).tables["leaderboards"].is_empty()


def test_equal_values_rank_by_customer_id(tmp_path) -> None:
    root, _ = _lake(tmp_path, paid=("o1",))
    log = _Log()
    log.order("o9", "aaron", [("board", 1, BOARD, 2)], "2026-02-10T10:00:00+00:00", "standard")
    log.add(
        ev.OrderPaid("o9", "x", 1, "EUR", "ref", "2026-03-17T12:00:00+00:00"), "2026-03-17T12:00:00+00:00"
    )
    for i, e in enumerate(log.events):
        log.events[i] = ev.RecordedEvent(
            **{**{f: getattr(e, f) for f in e.__struct_fields__}, "tx_id": 5000 + i, "causal_tx": 5000 + i}
        )
    writer = LakeWriter(LakeGenerations(root).path(1))
    writer.write(log.events)
    writer.close()
    source, *_ = live_lake(root)
    for engine in ("polars", "duckdb"):
        boards = compute(source, FACTORS, engine, AS_OF).tables["leaderboards"]  # type: ignore[arg-type]
        top = boards.filter((pl.col("board") == "co2e-saved") & (pl.col("period") == "all"))
        assert top["customer_id"].to_list() == ["aaron", "alice"], engine


def test_another_factor_version_recomputes_and_unratable_products_are_listed(lake, monkeypatch) -> None:
    root, _ = lake
    source, *_ = live_lake(root)
    # A factor version without bamboo: the board's second version cannot be rated, and says why.
    reduced = load_factors("2025.1")
    materials = {k: v for k, v in reduced.materials.items() if k != "bamboo"}
    other = type(reduced)(
        **{
            **{f: getattr(reduced, f) for f in reduced.__dataclass_fields__},
            "version": "test.1",
            "materials": materials,
        }
    )
    run = compute(source, other, "polars", AS_OF)
    (unrated,) = run.unrated.to_dicts()
    error = unrated.pop("error")
    assert unrated == {"product_id": "board", "product_version": 2, "field": "materials"}
    assert error.startswith("materials: no emission factor for 'bamboo' in emission factors test.1;"), error
    assert (
        run.tables["platform"]["orders"][0] == 2
    )  # o2 has a bamboo line: left out whole, never counted as zero


def test_results_are_written_per_factor_version(lake, tmp_path) -> None:
    root, _ = lake
    source, position, count = live_lake(root)
    run = compute(source, FACTORS, "polars", AS_OF, position=(position, count))
    folder = write_results(run, root)
    assert folder == root / "results" / "2025.1"
    assert pl.read_parquet(folder / "platform.parquet")["orders"][0] == 3
    assert (folder / "run.json").exists()
    write_results(run, root)  # a second run replaces the first in one rename
    assert sorted(p.name for p in (root / "results").iterdir()) == ["2025.1"]


def test_a_run_says_what_each_category_rests_on(lake) -> None:
    root, _ = lake
    source, *_ = live_lake(root)
    run = compute(source, FACTORS, "polars", AS_OF)
    shares = {r["category"]: r for r in run.tables["evidence"].to_dicts()}
    assert set(shares) == {"kitchen", "bags-accessories", "all"}
    # the tote's organic cotton and process energy rest on our estimates; the board's wood on DESNZ
    for row in shares.values():
        assert row["cited_share"] + row["estimated_share"] == pytest.approx(1.0, abs=1e-4)
    assert shares["bags-accessories"]["estimated_share"] > shares["kitchen"]["estimated_share"]


def test_rerating_splits_each_categorys_move_into_the_factor_lines_that_moved_it(lake) -> None:
    root, _ = lake
    source, *_ = live_lake(root)
    # A version where organic cotton doubles and German process energy grows by half: both show, apart.
    cotton = FACTORS.materials["organic cotton"]
    kitchen = FACTORS.manufacturing["kitchen"]
    new = dataclasses.replace(
        FACTORS,
        version="test.2",
        materials={
            **FACTORS.materials,
            "organic cotton": dataclasses.replace(cotton, central=2 * cotton.central),
        },
        manufacturing={
            **FACTORS.manufacturing,
            "kitchen": dataclasses.replace(kitchen, central=1.5 * kitchen.central),
        },
    )
    run = compute(source, new, "polars", AS_OF, compare_with=FACTORS)
    categories = {r["category"]: r for r in run.tables["rerating"].to_dicts()}
    moves = {
        (r["category"], r["factor"]): r["change_kg_co2e"] for r in run.tables["rerating_factors"].to_dicts()
    }
    # paid units: board v1 x2 (o1), board v2 x1 and tote x3 (o2), tote x1 (o4)
    assert {c: r["units"] for c, r in categories.items()} == {"kitchen": 3, "bags-accessories": 4, "all": 7}
    assert moves[("bags-accessories", "materials: organic cotton")] == pytest.approx(
        4 * 0.18 * cotton.central
    )
    board_kwh = kitchen.central * 1.0  # kWh per kg times the boards' 1 kg
    grid = {"DE": FACTORS.grid["DE"].central, "CN": FACTORS.grid["CN"].central}
    assert moves[("kitchen", "manufacturing: process energy per kg")] == pytest.approx(
        0.5 * board_kwh * (2 * grid["DE"] + grid["CN"]), abs=1e-3
    )
    assert ("kitchen", "manufacturing: grid intensity") not in moves  # no grid changed
    for category, row in categories.items():
        assert (row["from_version"], row["to_version"]) == ("2025.1", "test.2")
        listed = sum(kg for (c, _), kg in moves.items() if c == category)
        assert listed == pytest.approx(row["change_kg_co2e"], abs=2 * NOISE_KG)
        assert row["to_kg_co2e"] == pytest.approx(row["from_kg_co2e"] + row["change_kg_co2e"], abs=1e-3)
    expected = {
        side: 2 * product_footprint(BOARD, f).kg_co2e.central + product_footprint(BOARD_V2, f).kg_co2e.central
        for side, f in (("from", FACTORS), ("to", new))
    }
    assert categories["kitchen"]["from_kg_co2e"] == pytest.approx(expected["from"], abs=1e-3)
    assert categories["kitchen"]["to_kg_co2e"] == pytest.approx(expected["to"], abs=1e-3)
    assert categories["all"]["why"].startswith(
        "materials: organic cotton +3.6 kg; manufacturing: process energy per kg +"
    )


def test_old_results_stay_reproducible_to_the_last_digit(lake) -> None:
    """A run at 2025.1, then one at 2026.1, then 2025.1 again: the two 2025.1 results are identical."""
    root, _ = lake
    source, position, count = live_lake(root)
    first = write_results(compute(source, FACTORS, "polars", AS_OF, position=(position, count)), root)
    kept = {p.name: p.read_bytes() for p in first.glob("*.parquet")}
    frames = {name: pl.read_parquet(first / name) for name in kept}
    write_results(
        compute(
            source, load_factors("2026.1"), "polars", AS_OF, position=(position, count), compare_with=FACTORS
        ),
        root,
    )
    again = write_results(compute(source, FACTORS, "polars", AS_OF, position=(position, count)), root)
    assert sorted(p.name for p in (root / "results").iterdir()) == ["2025.1", "2026.1"]
    for name, frame in frames.items():
        assert_frame_equal(pl.read_parquet(again / name), frame, check_exact=True)


def test_provenance_events_go_to_the_lake_with_one_recorded_at_column() -> None:
    """ProvenanceRecorded has a field named like the envelope's column: the table has it once."""
    recorded = ev.RecordedEvent(
        position=1,
        tx_id=1,
        causal_tx=1,
        stream_id="provenance-log",
        stream_version=1,
        event_type="ProvenanceRecorded",
        schema_version=1,
        event=ev.ProvenanceRecorded(
            leaf_index=0,
            event_type="ObjectEvent",
            product_ids=[],
            biz_step="shipping",
            event_time="2026-10-20T15:00:00+00:00",
            recorded_at="2026-11-20T08:00:00+00:00",
        ),
        metadata=ev.EventMetadata("c", "c"),
        recorded_at="2026-11-20T08:00:00+00:00",
    )
    schema = lake_module.SCHEMAS["ProvenanceRecorded"]
    assert schema.names.count("recorded_at") == 1
    parts = lake_module._partitions([recorded, recorded])
    columns = parts[("ProvenanceRecorded", "2026-11-20")]
    assert isinstance(columns, dict)
    assert {len(values) for values in columns.values()} == {2}
    assert pa.Table.from_pydict(columns, schema=schema).num_rows == 2
