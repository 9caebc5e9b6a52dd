"""Rewards: an admin creates a challenge; a shopper joins it, completes it with a real order, and keeps a badge.

The order is paid with the card form (localstripe); shipping and delivery are the
admin's steps, sent to the API with an admin's token. The served shop runs the
projector, so the rewards page shows the completed challenge once it has caught up.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Page, expect

from read_side.badges import verify_credential
from tests.browser.conftest import Shop, check_page, sign_in, sign_up

CARD_FIELD = ".card-element"  # localstripe's stand-in for Stripe's iframe (see test_shopper.py)
REWARD = 75


def admin_headers(shop: Shop) -> dict[str, str]:
    email, password = shop.admin
    tokens = httpx.post(
        f"{shop.url}/api/v1/auth/signin", json={"email": email, "password": password}, timeout=10
    )
    tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


def create_challenge_as_admin(page: Page, shop: Shop, title: str) -> str:
    sign_in(page, shop, *shop.admin)
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Challenges").click()
    expect(page.get_by_role("heading", name="New challenge")).to_be_visible()
    check_page(page, "admin-challenges")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("One order, any shipping, delivered: that is all.")
    page.get_by_label("Measure").select_option("orders")
    page.get_by_label("How much is enough").fill("1")
    page.get_by_label("First day").fill(datetime.now(UTC).date().isoformat())
    page.get_by_label("Reward (eco points)").fill(str(REWARD))
    # A wrong time zone: the server's problem says which field, in words.
    page.get_by_label("Time zone (IANA, e.g. Europe/Paris)").fill("Mars/Olympus")
    page.get_by_role("button", name="Create challenge").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The challenge was not created")
    expect(alert).to_contain_text("Mars/Olympus")
    page.get_by_label("Time zone (IANA, e.g. Europe/Paris)").fill("UTC")
    page.get_by_role("button", name="Create challenge").click()
    created = page.get_by_role("status").get_by_role("link", name=title)
    expect(created).to_be_visible()
    created.click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Open now")).to_be_visible()
    expect(page.get_by_text(f"{REWARD} eco points")).to_be_visible()
    challenge_id = page.url.split("/challenges/")[1].split("?")[0]
    # Admins do not join: the page has no Join button for them.
    expect(page.get_by_role("button", name="Join this challenge")).to_have_count(0)
    page.goto(f"{shop.url}/account")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
    return challenge_id


def buy_and_pay(page: Page, shop: Shop) -> str:
    """One product through the cart, the checkout and the card form; answers the order id."""
    page.goto(f"{shop.url}/search?q=organic")
    page.get_by_role("list", name="Search results").get_by_role("link").first.click()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("link", name="Cart, 1 item")).to_be_visible()
    page.goto(f"{shop.url}/checkout")
    expect(page.get_by_role("heading", name="Delivery")).to_be_visible()
    page.get_by_role("group", name=re.compile("Shipping method")).get_by_role("radio").first.check()
    page.get_by_role("button", name="Place order and pay").click()
    card = page.locator(f"{CARD_FIELD} input")
    expect(card).to_have_count(5)
    for field, value in enumerate(["4242424242424242", "12", "30", "123", "75001"]):
        card.nth(field).fill(value)
    page.get_by_role("button", name="Pay now").click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]+/confirmation\?min_position="))
    expect(page.get_by_text("Payment received: your order is paid.")).to_be_visible(timeout=20_000)
    return page.url.split("/orders/")[1].split("/")[0]


def ship_and_deliver(shop: Shop, order_id: str) -> None:
    headers = admin_headers(shop)
    for step in ("ship", "deliver"):
        answer = httpx.post(f"{shop.url}/api/v1/orders/{order_id}/{step}", headers=headers, timeout=15)
        assert answer.status_code == 200, (step, answer.status_code, answer.text)


def test_a_shopper_joins_a_challenge_completes_it_and_keeps_a_verifiable_badge(
    page: Page, shop: Shop
) -> None:
    title = f"One green order {uuid.uuid4().hex[:6]}"
    challenge_id = create_challenge_as_admin(page, shop, title)

    # The shopper finds the challenge in the main navigation and joins it.
    sign_up(page, shop, name="Challenge Shopper")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Challenges").click()
    expect(page.get_by_role("heading", name="Challenges", exact=True)).to_be_visible()
    check_page(page, "challenges")
    page.get_by_role("list", name="Challenges").get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(challenge_id))
    page.get_by_role("button", name="Join this challenge").click()
    expect(page.get_by_role("status").filter(has_text="You joined this challenge")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^1 joined, 0 completed$"))).to_be_visible(timeout=15_000)
    check_page(page, "challenge")

    # A real order, paid by card, then shipped and delivered: the challenge is settled at delivery.
    order_id = buy_and_pay(page, shop)
    ship_and_deliver(shop, order_id)

    page.goto(f"{shop.url}/account")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Rewards").click()
    expect(page.get_by_role("heading", name="Your rewards")).to_be_visible()
    mine = page.get_by_role("list", name="My challenges")
    completed = mine.get_by_text(f"Completed: {REWARD} points earned.")
    for _ in range(30):  # the rewards projection catches up with the delivery
        if completed.count():
            break
        page.wait_for_timeout(1_000)
        page.reload()
        expect(page.get_by_role("heading", name="Points and level")).to_be_visible()
    expect(completed).to_be_visible()
    expect(mine.get_by_role("progressbar", name=f"Progress on {title}")).to_have_attribute("value", "100")
    points = (
        page.get_by_role("term").filter(has_text="From challenges").locator("xpath=following-sibling::dd[1]")
    )
    expect(points).to_have_text(str(REWARD))
    expect(page.get_by_role("list", name="The last 12 weeks").get_by_role("listitem")).to_have_count(12)
    expect(page.get_by_role("list", name="The last 12 weeks")).to_contain_text("ordered")
    expect(page.get_by_role("checkbox", name=re.compile("Show me on the leaderboards"))).to_be_checked()
    check_page(page, "rewards")

    # The first delivered order earns a badge: its credential downloads with the bearer token and verifies.
    badges = page.get_by_role("list", name="Badges")
    download_button = badges.get_by_role("button", name="Download credential for First green order")
    expect(download_button).to_be_visible()
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == "ecolaura-first-green-order.jwt"
    token = download.value.path().read_text()
    jwks = httpx.get(f"{shop.url}/api/v1/badges/jwks.json", timeout=10).json()
    credential = verify_credential(token, jwks)
    assert "First green order" in str(credential), credential
    expect(page.get_by_role("status").filter(has_text="Saved ecolaura-first-green-order.jwt")).to_be_visible()

    # Leaving the leaderboards is one checkbox; the leaderboards page then says so.
    toggle = page.get_by_role("checkbox", name=re.compile("Show me on the leaderboards"))
    toggle.click()
    expect(page.get_by_role("status").filter(has_text="You are on no leaderboard.")).to_be_visible()
    expect(toggle).not_to_be_checked()
    page.get_by_role("link", name="See the leaderboards").click()
    expect(page.get_by_text("You chose not to appear on leaderboards")).to_be_visible()
