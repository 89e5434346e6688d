"""The demo's 帮代办 channel: a community service centre in the second demo county's first street, and its worker.

``demo-helper`` holds the 帮代办员 role (``channels.services.HELPER_ROLE``) over that street, so the demo can show a
community worker applying for a resident who confirms by the SMS code; the window channel needs no extra login
(every demo official with 受理 may register walk-ins at ``/workbench/window/``).
"""

from __future__ import annotations

from yiwang.accounts.models import Department, Division, RoleAssignment
from yiwang.channels.services import ensure_helper_role
from yiwang.demo.seeding import DemoLogin, _login

HELPER_COUNTY = "330102"


def ensure_demo_helper(*, city_code: str) -> list[DemoLogin]:
    """Get or create the community centre and ``demo-helper``; returns the login (none when the county is absent)."""
    county = HELPER_COUNTY if city_code == "330100" else None
    street = (
        Division.objects.filter(parent_id=county).order_by("code").first()
        if county
        else Division.objects.filter(code__startswith=city_code[:4], level=4).order_by("code").first()
    )
    if street is None:
        return []
    centre, _created = Department.objects.get_or_create(
        code=f"{street.code}-SQFW", defaults={"name": f"{street.name}社区服务中心", "division": street}
    )
    login = _login(
        "demo-helper",
        "official",
        "林社工",
        f"社区帮代办员（{centre.name}：为本街道居民帮代办）",
        department=centre,
    )
    from yiwang.accounts.models import User

    user = User.objects.get(username=login.username)
    RoleAssignment.objects.get_or_create(user=user, role=ensure_helper_role(), department=centre, division=street)
    return [login]
