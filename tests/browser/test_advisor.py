"""The advisor in the web app: a chat on the account page with clickable citations, and the alternative box."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import Shop, check_page, sign_up


def _product_with_an_alternative(shop: Shop) -> tuple[str, str]:
    """A product of the seeded shop the advisor finds a greener one for (the least green of a category)."""
    hits = httpx.get(f"{shop.url}/api/v1/search", params={"size": 50}, timeout=10).json()["hits"]
    for category in dict.fromkeys(h["category"] for h in hits):
        worst = httpx.get(
            f"{shop.url}/api/v1/search", params={"category": category, "sort": "eco", "size": 100}, timeout=10
        ).json()["hits"]
        for hit in reversed(worst):
            answer = httpx.post(
                f"{shop.url}/api/v1/advisor/ask",
                json={"question": f"greener alternative to {hit['id']}"},
                timeout=10,
            ).json()
            if answer["suggestions"]:
                return hit["id"], answer["suggestions"][0]["name"]
    raise AssertionError("the seeded shop has no product with a greener alternative")


def test_a_shopper_asks_the_advisor_and_follows_a_citation(page: Page, shop: Shop) -> None:
    sign_up(page, shop, name="Advisor Shopper")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    chat = page.get_by_role("region", name="Ask the sustainability advisor")
    expect(chat).to_be_visible()  # its own chunk, loaded after the dashboard

    # A personal question with the keyboard alone: an example chip, Enter.
    examples = chat.get_by_role("list", name="Example questions")
    examples.get_by_role("button", name="How much have I saved this year?").focus()
    page.keyboard.press("Enter")
    conversation = chat.get_by_role("list", name="Conversation")
    exchanges = conversation.locator(":scope > li")  # an answer's facts are list items too
    expect(exchanges).to_have_count(1)
    expect(conversation).to_contain_text("no paid orders this year")  # a new shopper: nothing invented

    # A catalog question typed in the box: the answer's facts link to what they cite.
    product_id, _ = _product_with_an_alternative(shop)
    box = chat.get_by_label("Your question")
    box.fill(f"why is the footprint of {product_id} what it is?")
    box.press("Enter")
    expect(exchanges).to_have_count(2)
    answer = exchanges.nth(1)
    expect(answer).to_contain_text(re.compile(r"comes to \d+\.\d\d kg CO2e per unit"))
    expect(answer.get_by_text("Every number comes from the facts listed.")).to_be_visible()
    check_page(page, "account-advisor")

    citation = answer.get_by_role("link", name=re.compile("footprint breakdown")).first
    citation.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/products/{product_id}$"))


def test_the_product_page_offers_a_greener_alternative(page: Page, shop: Shop) -> None:
    product_id, name = _product_with_an_alternative(shop)
    page.goto(f"{shop.url}/products/{product_id}")
    box = page.get_by_role("region", name="A greener alternative")
    expect(box).to_contain_text(re.compile(r"\d+\.\d\d kg CO2e less \(\d+\.\d%\)"))
    check_page(page, "product-alternative")
    box.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
