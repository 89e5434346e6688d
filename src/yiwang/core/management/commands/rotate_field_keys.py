"""``yiwang rotate_field_keys``: re-encrypt every encrypted field with the current SM4 key."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from yiwang.core import audit
from yiwang.core.fields import EncryptedTextField, rotate_encrypted_fields


class Command(BaseCommand):
    help = "用当前 SM4 密钥重新加密所有加密字段（可中断后重跑）。"

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            if any(isinstance(f, EncryptedTextField) for f in model._meta.concrete_fields):
                count = rotate_encrypted_fields(model)
                total += count
                self.stdout.write(f"{model._meta.label}: {count}")
        audit.record("core.keys.rotate", object_type="core.fieldkeys", data={"rows": total})
        self.stdout.write(self.style.SUCCESS(f"已重新加密 {total} 行。"))
