"""Joint statistics without exchanging lists (隐私计算): private set intersection with OpenMined PSI.

Two departments count the firms on both their lists. Department A (the client) sends its list blinded under its
own secret key; department B (the server) answers with its own list blinded under its key and A's items blinded
again; A learns the size of the intersection and nothing else (ECDH-PSI, cardinality only); B learns nothing.
Each party below is its own object holding only its own list, and only these serialised messages pass between
them, as they would between two departments' systems.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import ValidationFailed
from yiwang.sharing.models import JointStatistic

#: Probability of a false positive in the server's setup (a Bloom/GCS filter would use it; raw is exact).
FALSE_POSITIVE_RATE = 1e-9


class PsiRequester:
    """The party that learns the count: holds its list and its secret key, never sees the other's list."""

    def __init__(self, keys: Iterable[str]) -> None:
        import private_set_intersection.python as psi

        self._keys = sorted({k.strip().upper() for k in keys if k.strip()})
        self._client = psi.client.CreateWithNewKey(False)  # False: cardinality only, never the items

    @property
    def size(self) -> int:
        return len(self._keys)

    def request(self) -> bytes:
        return self._client.CreateRequest(self._keys).SerializeToString()

    def count(self, setup: bytes, response: bytes) -> int:
        import private_set_intersection.python as psi

        server_setup = psi.ServerSetup()
        server_setup.ParseFromString(setup)
        server_response = psi.Response()
        server_response.ParseFromString(response)
        return int(self._client.GetIntersectionSize(server_setup, server_response))


class PsiResponder:
    """The other party: answers a blinded request with its blinded list; learns nothing."""

    def __init__(self, keys: Iterable[str]) -> None:
        import private_set_intersection.python as psi

        self._keys = sorted({k.strip().upper() for k in keys if k.strip()})
        self._server = psi.server.CreateWithNewKey(False)

    def respond(self, request: bytes, requester_size: int) -> tuple[bytes, bytes]:
        import private_set_intersection.python as psi

        setup = self._server.CreateSetupMessage(
            FALSE_POSITIVE_RATE, requester_size, self._keys, psi.DataStructure.RAW
        ).SerializeToString()
        parsed = psi.Request()
        parsed.ParseFromString(request)
        return setup, self._server.ProcessRequest(parsed).SerializeToString()


def psi_count(list_a: Iterable[str], list_b: Iterable[str]) -> int:
    """The number of keys on both lists, by the protocol above (only messages cross between the parties)."""
    a, b = PsiRequester(list_a), PsiResponder(list_b)
    setup, response = b.respond(a.request(), a.size)
    return a.count(setup, response)


@transaction.atomic
def joint_count(
    actor: Any,
    *,
    party_a: Department,
    party_b: Department,
    list_a: Iterable[str],
    list_b: Iterable[str],
    description: str,
) -> JointStatistic:
    """Record a joint count between two departments (the actor acts for the requesting department A)."""
    user = require_acts_for(actor, party_a, field="party_a")
    if party_a.pk == party_b.pk:
        raise ValidationFailed(_("联合统计须在两个不同部门之间进行"), field="party_b")
    if not description.strip():
        raise ValidationFailed(_("请说明统计口径"), field="description")
    count = psi_count(list_a, list_b)
    stat = JointStatistic.objects.create(
        method=JointStatistic.Method.PSI_COUNT,
        party_a=party_a,
        party_b=party_b,
        description=description.strip(),
        result=Decimal(count),
        created_by=user,
    )
    audit.record("sharing.joint.count", actor=user, obj=stat, data={"b": party_b.code, "result": count})
    return stat
