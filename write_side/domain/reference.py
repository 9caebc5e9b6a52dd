"""Reference data the rules depend on: currencies, countries, tax and shipping.

Tables are plain data so they stay reviewable; each comes from a public source
named beside it.
"""

from __future__ import annotations

from typing import Final

from write_side.domain.errors import InvalidInputError, UnknownCountryError, UnknownCurrencyError

# ISO 4217 active codes with their minor-unit exponent (SIX Group list, 2024).
_CURRENCY_TABLE: Final = (
    "AED2 AFN2 ALL2 AMD2 AOA2 ARS2 AUD2 AWG2 AZN2 BAM2 BBD2 BDT2 BHD3 BIF0 BMD2 BND2 BOB2 "
    "BRL2 BSD2 BTN2 BWP2 BYN2 BZD2 CAD2 CDF2 CHF2 CLP0 CNY2 COP2 CRC2 CUP2 CVE2 CZK2 DJF0 "
    "DKK2 DOP2 DZD2 EGP2 ERN2 ETB2 EUR2 FJD2 FKP2 GBP2 GEL2 GHS2 GIP2 GMD2 GNF0 GTQ2 GYD2 "
    "HKD2 HNL2 HTG2 HUF2 IDR2 ILS2 INR2 IQD3 IRR2 ISK0 JMD2 JOD3 JPY0 KES2 KGS2 KHR2 KMF0 "
    "KPW2 KRW0 KWD3 KYD2 KZT2 LAK2 LBP2 LKR2 LRD2 LSL2 LYD3 MAD2 MDL2 MGA2 MKD2 MMK2 MNT2 "
    "MOP2 MRU2 MUR2 MVR2 MWK2 MXN2 MYR2 MZN2 NAD2 NGN2 NIO2 NOK2 NPR2 NZD2 OMR3 PAB2 PEN2 "
    "PGK2 PHP2 PKR2 PLN2 PYG0 QAR2 RON2 RSD2 RUB2 RWF0 SAR2 SBD2 SCR2 SDG2 SEK2 SGD2 SHP2 "
    "SLE2 SOS2 SRD2 SSP2 STN2 SVC2 SYP2 SZL2 THB2 TJS2 TMT2 TND3 TOP2 TRY2 TTD2 TWD2 TZS2 "
    "UAH2 UGX0 USD2 UYU2 UZS2 VES2 VND0 VUV0 WST2 XAF0 XCD2 XOF0 XPF0 YER2 ZAR2 ZMW2 ZWG2"
)
CURRENCY_EXPONENT: Final[dict[str, int]] = {item[:3]: int(item[3]) for item in _CURRENCY_TABLE.split()}

# ISO 3166-1 alpha-2 officially assigned codes.
_COUNTRIES: Final = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
)
COUNTRIES: Final[frozenset[str]] = frozenset(_COUNTRIES.split())

# Standard VAT/GST rates in basis points for the countries we ship to
# (European Commission "VAT rates in the EU", 2025; national tax authorities
# for the rest). Prices are tax-inclusive, as EU consumer law requires.
TAX_RATE_BP: Final[dict[str, int]] = {
    "AT": 2000,
    "BE": 2100,
    "BG": 2000,
    "HR": 2500,
    "CY": 1900,
    "CZ": 2100,
    "DK": 2500,
    "EE": 2400,
    "FI": 2550,
    "FR": 2000,
    "DE": 1900,
    "GR": 2400,
    "HU": 2700,
    "IE": 2300,
    "IT": 2200,
    "LV": 2100,
    "LT": 2100,
    "LU": 1700,
    "MT": 1800,
    "NL": 2100,
    "PL": 2300,
    "PT": 2300,
    "RO": 2100,
    "SK": 2300,
    "SI": 2200,
    "ES": 2100,
    "SE": 2500,
    "GB": 2000,
    "NO": 2500,
    "CH": 810,
    "IS": 2400,
    "US": 0,
    "CA": 500,
    "AU": 1000,
    "NZ": 1500,
    "JP": 1000,
}

SHIPPING_METHODS: Final = ("standard", "express", "slow-green")

# Flat shipping fees in minor units of the order's currency. Slow-green ships
# consolidated by rail/sea and is free above the threshold, to reward patience.
SHIPPING_FEE_MINOR: Final[dict[str, dict[str, int]]] = {
    "EUR": {"standard": 495, "express": 1295, "slow-green": 295},
    "GBP": {"standard": 450, "express": 1150, "slow-green": 250},
    "USD": {"standard": 595, "express": 1495, "slow-green": 350},
    "CHF": {"standard": 590, "express": 1490, "slow-green": 350},
    "SEK": {"standard": 5500, "express": 14500, "slow-green": 3500},
    "DKK": {"standard": 3900, "express": 9900, "slow-green": 2500},
    "NOK": {"standard": 5900, "express": 14900, "slow-green": 3500},
    "PLN": {"standard": 1990, "express": 5490, "slow-green": 1290},
}
FREE_SLOW_GREEN_FROM_MINOR: Final[dict[str, int]] = {
    "EUR": 5000,
    "GBP": 4500,
    "USD": 6000,
    "CHF": 6000,
    "SEK": 55000,
    "DKK": 37500,
    "NOK": 55000,
    "PLN": 22000,
}


def check_currency(code: str) -> str:
    """Return ``code`` if it is an ISO 4217 currency, else raise."""
    if code not in CURRENCY_EXPONENT:
        raise UnknownCurrencyError(f"'{code}' is not an ISO 4217 currency code", currency=code)
    return code


def check_country(code: str, field: str = "country") -> str:
    """Return ``code`` if it is an ISO 3166-1 alpha-2 country, else raise."""
    if code not in COUNTRIES:
        raise UnknownCountryError(
            f"'{code}' in {field} is not an ISO 3166-1 alpha-2 country code", field=field
        )
    return code


def tax_rate_bp(country: str) -> int:
    """The tax rate applied to deliveries to ``country``."""
    check_country(country, "shipping.country")
    if country not in TAX_RATE_BP:
        raise InvalidInputError(
            f"we do not ship to {country} yet; shipping countries: {', '.join(sorted(TAX_RATE_BP))}",
            field="shipping.country",
        )
    return TAX_RATE_BP[country]


def shipping_fee_minor(currency: str, method: str, subtotal_minor: int) -> int:
    """The shipping fee for an order of ``subtotal_minor`` in ``currency``."""
    if method not in SHIPPING_METHODS:
        raise InvalidInputError(
            f"unknown shipping method '{method}'; use one of {', '.join(SHIPPING_METHODS)}",
            field="shipping.method",
        )
    fees = SHIPPING_FEE_MINOR.get(currency)
    if fees is None:
        raise InvalidInputError(
            f"orders in {currency} cannot be shipped yet; currencies: {', '.join(SHIPPING_FEE_MINOR)}",
            field="currency",
        )
    if method == "slow-green" and subtotal_minor >= FREE_SLOW_GREEN_FROM_MINOR[currency]:
        return 0
    return fees[method]


def included_tax_minor(gross_minor: int, rate_bp: int) -> int:
    """Tax contained in a tax-inclusive amount, rounded half to even."""
    numerator = gross_minor * rate_bp
    denominator = 10_000 + rate_bp
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient
