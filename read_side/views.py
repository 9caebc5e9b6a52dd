"""What the query API answers: the read models' documents as typed structs.

The query routes serve the bytes the projectors (``projections/projectors``) and
analytics runs (``analytics/publish.py``) stored, without decoding them. These
structs say what those bytes are, for the OpenAPI document and for
``tests/integration/test_read_model_views.py``, which converts every stored
document into them. Unknown fields are refused, so a projector that adds or
renames a field fails that test until its struct says so.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from msgspec import UNSET, UnsetType

from analytics.eco_score import EcoScore
from analytics.footprint import Baseline, Range, Stage
from write_side.contracts.challenges import Goal


class View(msgspec.Struct, forbid_unknown_fields=True):
    """A read model's document; every field it may carry is named here."""


class CardMaterial(View):
    material: str
    kg: float


class ProductCard(View):
    """``product:{id}`` of the product cards projection: the product, its stock and its footprint summary."""

    id: str
    sku: str
    name: str
    description: str
    category: str
    brand: str
    price_minor: int
    currency: str
    weight_kg: float
    materials: list[CardMaterial]
    origin_country: str
    packaging: str
    certifications: list[str]
    status: Literal["draft", "active", "retired"]
    version: int
    created_at: str
    updated_at: str
    on_hand: int
    reserved: int
    available: int
    in_stock: bool
    units_sold: int
    kg_co2e: float | None  # null on products recorded before footprints existed, like the three below
    baseline_kg_co2e: float | None
    savings_kg_co2e: float | None
    eco_score: int | None
    factor_version: str | UnsetType = UNSET  # absent until the product has a footprint


class ProductPage(View):
    items: list[ProductCard]
    total: int
    next_cursor: str | None


class OrderViewLine(View):
    product_id: str
    sku: str
    name: str
    quantity: int
    unit_price_minor: int
    line_total_minor: int


class OrderViewTotals(View):
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    refunded_minor: int


class OrderViewShipping(View):
    country: str
    method: str


OrderStatus = Literal["pending_payment", "paid", "shipped", "delivered", "cancelled", "refunded"]


class StatusChange(View):
    status: OrderStatus
    at: str


class OrderViewFootprintLine(View):
    product_id: str
    quantity: int
    unit_kg_co2e: float


class OrderViewFootprint(View):
    kg_co2e: float
    low: float
    high: float
    shipping_kg_co2e: float
    baseline_kg_co2e: float
    savings_kg_co2e: float
    factor_version: str
    # Absent from views projected before lines carried their footprint (until a rebuild).
    lines: list[OrderViewFootprintLine] | UnsetType = UNSET


class OrderView(View):
    """``order:{customer}:{order}`` of the order views projection."""

    id: str
    customer_id: str
    status: OrderStatus
    currency: str
    lines: list[OrderViewLine]
    totals: OrderViewTotals
    shipping: OrderViewShipping
    placed_at: str
    history: list[StatusChange]
    footprint: OrderViewFootprint | None
    version: int
    payment_reference: str | UnsetType = UNSET  # once paid
    cancel_reason: str | UnsetType = UNSET  # once cancelled
    payment_failure: str | UnsetType = UNSET  # when the payment provider reported a failure
    eco_points: int | UnsetType = UNSET  # once delivered: the points the customer holds from it


class OrderPage(View):
    items: list[OrderView]
    total: int
    next_cursor: str | None


class OrderRow(View):
    """``order:{order}`` of the order list projection: one line of the admins' list of orders."""

    id: str
    customer_id: str
    status: OrderStatus
    currency: str
    total_minor: int
    refunded_minor: int
    kg_co2e: float | None  # None: placed before footprints existed
    placed_at: str
    version: int


class OrderRowPage(View):
    items: list[OrderRow]
    next_cursor: str | None


class CustomerImpact(View):
    """``impact:customer:{id}`` of the latest analytics run."""

    customer_id: str
    orders: int
    units: int
    kg_co2e: float
    baseline_kg_co2e: float
    saved_kg_co2e: float
    points: int
    first_order_month: str | None
    factor_version: str


class Dashboard(View):
    """``dashboard:{customer}`` with the latest analytics run's view of the customer."""

    customer_id: str
    orders_placed: int
    orders_cancelled: int
    items_bought: int
    spent_minor: dict[str, int]  # per currency
    refunded_minor: dict[str, int]
    last_order_at: str | None
    footprint_kg_co2e: float
    baseline_kg_co2e: float
    saved_kg_co2e: float
    eco_points: int
    impact: CustomerImpact | None  # null before the customer's first analytics run
    erased: bool | UnsetType = UNSET  # true once the customer asked to be forgotten
    pseudonym: str | UnsetType = UNSET


class ImpactTotals(View):
    orders: int
    units: int
    kg_co2e: float
    baseline_kg_co2e: float
    saved_kg_co2e: float


class PlatformImpact(View):
    """All paid orders; an empty object before the first one."""

    orders: int | UnsetType = UNSET
    units: int | UnsetType = UNSET
    kg_co2e: float | UnsetType = UNSET
    baseline_kg_co2e: float | UnsetType = UNSET
    saved_kg_co2e: float | UnsetType = UNSET
    customers: int | UnsetType = UNSET
    shipping_kg_co2e: float | UnsetType = UNSET
    points: int | UnsetType = UNSET
    first_order_at: str | UnsetType | None = UNSET  # null when the run counted no paid order
    last_order_at: str | UnsetType | None = UNSET


class MonthImpact(ImpactTotals):
    month: str


class CountryImpact(ImpactTotals):
    shipping_country: str


class CategoryImpact(View):
    category: str
    units: int
    kg_co2e: float
    baseline_kg_co2e: float
    saved_kg_co2e: float
    # what the category's footprint rests on, over the units sold (absent from runs before 0.1.0)
    evidence: EvidenceShares | None = None


class ImpactSummary(View):
    """``impact:summary`` of the latest analytics run."""

    factor_version: str
    as_of: str
    computed_at: str
    lake_position: str
    engine: Literal["polars", "duckdb"]
    platform: PlatformImpact
    by_month: list[MonthImpact]
    by_country: list[CountryImpact]
    by_category: list[CategoryImpact]
    unrated_products: int
    evidence: EvidenceShares | None = None  # over every unit sold; absent from runs before 0.1.0


class ProductPurchases(View):
    """``impact:product:{id}``: what customers bought of a product, in the latest analytics run."""

    product_id: str
    units: int
    kg_co2e: float
    baseline_kg_co2e: float
    saved_kg_co2e: float
    factor_version: str


class EvidenceShares(View):
    """What a footprint rests on: shares (0-1) of its central kg CO2e (``analytics.evidence``)."""

    cited_share: float
    estimated_share: float


class ProductImpact(View):
    """``footprint:{id}`` of the product cards projection, with what the latest run counted."""

    product_id: str
    name: str
    category: str
    version: int
    factor_version: str
    kg_co2e: Range
    shipped_kg: float
    stages: list[Stage]
    baseline: Baseline
    savings_kg_co2e: float
    eco_score: EcoScore
    purchases: ProductPurchases | None  # null before an analytics run counted a purchase
    # Shares of kg CO2e resting on cited datasets and on our estimates (null on older documents).
    evidence: EvidenceShares | None = None


class LeaderboardEntry(View):
    rank: int
    name: str  # a pseudonym, never an email
    value: float


class Leaderboard(View):
    """``leaderboard:{board}:{period}`` of the latest analytics run."""

    board: Literal["co2e-saved", "eco-points"]
    period: Literal["week", "month", "all"]
    period_start: str | None
    as_of: str
    factor_version: str
    entries: list[LeaderboardEntry]


class LevelView(View):
    name: str
    min_points: int


class BadgeView(View):
    id: str
    name: str
    description: str
    criteria: str
    earned_at: str
    credential_url: str  # the Open Badges 3.0 credential, signed (VC-JWT)


class StreakView(View):
    """Consecutive weeks with a settled order, in the customer's time zone (write_side.domain.streaks)."""

    current: int
    best: int
    status: Literal["none", "active", "at_risk", "broken"]
    time_zone: str
    this_week: str  # its Monday, in time_zone: where a calendar of weeks ends
    active_weeks: list[str]  # Mondays
    frozen_weeks: list[str]
    freeze_available: bool  # this month's freeze is unused
    message: str


class ChallengeProgress(View):
    id: str
    title: str
    goal: Goal
    starts_on: str
    ends_on: str
    time_zone: str
    reward_points: int
    status: Literal["upcoming", "active", "ended"]
    progress: float
    reached: bool
    joined_at: str
    completed_at: str | None
    rewarded_points: int


class MyRewards(View):
    """``GET /me/rewards``: the balance is the customer's ledger balance of eco points."""

    customer_id: str
    balance: int
    lifetime: int
    order_points: int
    challenge_points: int
    level: LevelView
    next_level: LevelView | None
    badges: list[BadgeView]
    streak: StreakView
    challenges: list[ChallengeProgress]
    leaderboard_visible: bool


class ChallengeView(View):
    id: str
    title: str
    description: str
    goal: Goal
    starts_on: str
    ends_on: str
    time_zone: str
    reward_points: int
    created_at: str
    participants: int
    completions: int
    status: Literal["upcoming", "active", "ended"]


class ChallengePage(View):
    items: list[ChallengeView]
    total: int
    next_cursor: str | None


class LiveEntry(View):
    rank: int
    name: str  # a pseudonym, never a name or an email
    value: float


class MyRank(View):
    visible: bool
    rank: int | None  # None when hidden or not on this board
    value: float | None


class LiveLeaderboard(View):
    board: Literal["co2e-saved", "eco-points"]
    period: Literal["week", "month", "all"]
    period_key: str  # e.g. 2026-W49, 2026-12, all (UTC)
    time_zone: Literal["UTC"]
    total: int
    entries: list[LiveEntry]
    you: MyRank | None  # with a customer's token
