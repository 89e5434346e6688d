"""Business operations of 免申即享: author policies, run matching, push offers, confirm within budget, pay.

Each operation is one transaction, checks who may do it (an official with a role for the policy's department over
its division, :func:`yiwang.accounts.permissions.require_acts_for`; an enterprise's own agent), appends to the audit
ledger and raises a ``DomainError`` with the field concerned. The flow follows Huangpu's three steps: data
comparison (matching run) → one-click confirmation of intent (意愿确认, here the bank account) → payment (payment
file, then paid). One module per concept; this package's face is the list below.
"""

from yiwang.policies.services.authoring import (
    create_policy,
    new_version,
    publish_policy,
    retire_policy,
    schema_facts,
)
from yiwang.policies.services.calculator import calculator
from yiwang.policies.services.matching import OFFER_CAP, run_matching
from yiwang.policies.services.objections import file_objection, public_notice, resolve_objection
from yiwang.policies.services.offers import confirm_offer, decline_offer, mask_bank_account, push_offers
from yiwang.policies.services.payouts import PAYMENT_FILE_COLUMNS, export_batch, mark_batch_paid
from yiwang.policies.services.sandbox import sandbox

__all__ = [
    "OFFER_CAP",
    "PAYMENT_FILE_COLUMNS",
    "calculator",
    "confirm_offer",
    "create_policy",
    "decline_offer",
    "export_batch",
    "file_objection",
    "mark_batch_paid",
    "mask_bank_account",
    "new_version",
    "public_notice",
    "publish_policy",
    "push_offers",
    "resolve_objection",
    "retire_policy",
    "run_matching",
    "sandbox",
    "schema_facts",
]
