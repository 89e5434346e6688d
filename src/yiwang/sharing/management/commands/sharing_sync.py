"""``yiwang sharing_sync``: publish every registry and data element of the backbone in the resource catalogue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.sharing.services.catalogue import sync_backbone


class Command(BaseCommand):
    help = "Sync the resource catalogue from the backbone's registries and data elements (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = sync_backbone()
        self.stdout.write(
            f"resources created {report.resources_created}, items created {report.items_created}, "
            f"items updated {report.items_updated}"
        )
