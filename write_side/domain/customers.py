"""The Customer aggregate: who buys. Personal fields are sealed in events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from write_side.domain.errors import InvalidInputError
from write_side.domain.reference import check_country

# No blanks or control characters (spelled out rather than \s, whose meaning differs between Python and
# the JSON Schema validators that read the same pattern in the API's document).
_NOT_IN_EMAIL = r"@\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
EMAIL_PATTERN: Final = (
    f"^[^{_NOT_IN_EMAIL}]{{1,64}}@[^{_NOT_IN_EMAIL}]{{1,255}}\\.[^{_NOT_IN_EMAIL}]{{2,63}}$"
)
_EMAIL: Final = re.compile(EMAIL_PATTERN)


@dataclass(slots=True)
class Customer:
    customer_id: str
    email: str
    display_name: str
    country: str
    created_at: str

    @classmethod
    def register(cls, customer_id: str, email: str, display_name: str, country: str, now: str) -> Customer:
        """Validate a new customer's fields."""
        email = email.strip().lower()
        if not _EMAIL.match(email):
            raise InvalidInputError(f"'{email}' is not an email address", field="email")
        if not 1 <= len(display_name.strip()) <= 80:
            raise InvalidInputError("display_name must be 1-80 characters", field="display_name")
        check_country(country, "country")
        return cls(customer_id, email, display_name.strip(), country, now)
