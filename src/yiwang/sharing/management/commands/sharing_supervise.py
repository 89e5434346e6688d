"""``yiwang sharing_supervise``: the daily sweep of grants in force for volume spikes (用数监管)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.sharing.services.supervision import supervise


class Command(BaseCommand):
    help = "Raise alerts for grants whose daily volume spiked."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"alerts raised {supervise()}")
