"""Masking (脱敏) of personal data on read. Unmasking needs a stated purpose, logged in the audit ledger."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """Keep the division prefix and the check character: 330106********123X → 330106********23X."""
    if len(value) != 18:
        return "*" * len(value)
    return f"{value[:6]}{'*' * 8}{value[14:]}"


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 11 else "*" * len(value)


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, as on public notices."""
    return value[:1] + "*" * (len(value) - 1) if value else value


def mask_address(value: str, keep: int = 9) -> str:
    return value[:keep] + "****" if len(value) > keep else value
