"""Phone numbers as the ledger keeps them: E.164 (+79161234567)."""

from __future__ import annotations

import phonenumbers

from loyalty_core.errors import InvalidPhone, InvalidRequest

DEFAULT_REGION = "RU"


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone typed at a till (8 916 123-45-67, +7 (916) 1234567, ...)."""
    text = (raw or "").strip()
    if not text:
        raise InvalidRequest("phone is required", field="phone")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"phone {raw!r} is not a phone number", field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"phone {raw!r} is not a valid number", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+79161234567 -> +7*******67: enough for a cashier to confirm, not to harvest."""
    if len(e164) < 6:
        return "*" * len(e164)
    return e164[:2] + "*" * (len(e164) - 4) + e164[-2:]
