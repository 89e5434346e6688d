"""Data migration: give every certificate revoked before signed revocations existed its signed record.

Each is signed now with its department's key in use (``signed_at`` = now; ``revoked_at`` and the reason as they
were), so that verification, which trusts only a signed record, keeps calling them revoked. A department without
a key in use gets none here: its revoked certificates verify as "revocation cannot be confirmed", never as valid.
"""

import json
from datetime import UTC

from django.db import migrations
from django.utils import timezone

from yiwang.core.crypto import sm2_sign


def _canonical(number, certificate_signature, revoked_at, signed_at, reason, key_id):
    document = {
        "v": 1,
        "kind": "revocation",
        "number": number,
        "certificate_signature": certificate_signature,
        "revoked_at": revoked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "signed_at": signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reason": reason,
        "key_id": key_id,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def forwards(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    IssuerKey = apps.get_model("certificates", "IssuerKey")
    Revocation = apps.get_model("certificates", "Revocation")
    now = timezone.now().replace(microsecond=0)
    keys = {}
    revoked = Certificate.objects.filter(status="revoked", revocation__isnull=True).defer("holder_id")
    for cert in revoked.iterator():
        if cert.department_id not in keys:
            keys[cert.department_id] = IssuerKey.objects.filter(
                department_id=cert.department_id, valid_until__isnull=True
            ).first()
        key = keys[cert.department_id]
        if key is None:
            continue
        revoked_at = cert.revoked_at or now
        reason = cert.revocation_reason or "注销（签名注销记录启用前）"
        data = _canonical(cert.number, cert.signature, revoked_at, now, reason, key.key_id)
        Revocation.objects.create(
            certificate=cert,
            revoked_at=revoked_at,
            reason=reason,
            signed_at=now,
            issuer_key_id=key.key_id,
            signature=sm2_sign(key.private_key, data),
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0005_revocation")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
