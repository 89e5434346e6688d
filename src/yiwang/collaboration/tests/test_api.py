"""一网协同 over the API: a sender fans an instruction out and follows it; a village's liaison reads explicitly,
acknowledges and reports back; listing receipts changes nothing."""

from __future__ import annotations

from yiwang.accounts.tokens import issue_token
from yiwang.collaboration.models import Receipt
from yiwang.core.models import AuditEntry


def _auth(user) -> dict[str, str]:
    _, raw = issue_token(user, "api-test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(client, sender, tree, key="api-1"):
    return client.post(
        "/api/v1/collaboration/instructions",
        {
            "title": "防汛值守",
            "body": "请各村签收并落实值守。",
            "department": "330106-SCJGJ",
            "roots": [tree.district.code],
            "levels": [5],
            "deadline_days": {"5": 1},
            "idempotency_key": key,
        },
        content_type="application/json",
        **_auth(sender),
    )


def test_an_instruction_sent_through_the_api_reaches_every_village_and_the_receipts_follow(client, tree, sender):
    sent = _send(client, sender, tree)
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["receipt_count"] == 12 and body["progress"]["acknowledged"] == 0
    assert _send(client, sender, tree).json()["id"] == body["id"]  # the same key: the same instruction

    village = tree.villages[0]
    liaison = _auth(village.liaison)
    listed = client.get("/api/v1/collaboration/receipts", **liaison).json()
    assert [r["unit_code"] for r in listed] == [village.code] and listed[0]["state"] == "pending"
    assert Receipt.objects.get(pk=listed[0]["id"]).state == Receipt.State.PENDING  # a GET marks nothing read

    pk = listed[0]["id"]
    read = client.post(f"/api/v1/collaboration/receipts/{pk}/read", **liaison).json()
    assert read["state"] == "read" and read["read_at"]
    assert AuditEntry.objects.filter(action="collaboration.receipt.read", object_id=str(pk)).count() == 1
    empty = client.post(
        f"/api/v1/collaboration/receipts/{pk}/report", {"text": " "}, content_type="application/json", **liaison
    )
    assert empty.status_code == 422 and empty.json()["field"] == "report"
    reported = client.post(
        f"/api/v1/collaboration/receipts/{pk}/report",
        {"text": "已安排值守"},
        content_type="application/json",
        **liaison,
    ).json()
    assert reported["state"] == "reported" and reported["acknowledged_at"]

    progress = client.get(f"/api/v1/collaboration/instructions/{body['id']}", **_auth(sender)).json()["progress"]
    assert progress == {"total": 12, "read": 1, "acknowledged": 1, "reported": 1, "reminded": 0, "escalated": 0}


def test_a_liaison_cannot_answer_another_units_receipt_nor_a_citizen_use_the_api(client, tree, sender):
    from yiwang.accounts.models import User

    instruction_id = _send(client, sender, tree).json()["id"]
    other = Receipt.objects.get(instruction_id=instruction_id, unit=tree.villages[1])
    response = client.post(f"/api/v1/collaboration/receipts/{other.pk}/acknowledge", **_auth(tree.villages[0].liaison))
    assert response.status_code == 404
    citizen = User.objects.create_user(username="citizen", password="Correct-Horse-9", kind=User.Kind.PERSON)
    assert client.get("/api/v1/collaboration/receipts", **_auth(citizen)).status_code == 403
    outsider = client.get(f"/api/v1/collaboration/instructions/{instruction_id}", **_auth(tree.villages[0].liaison))
    assert outsider.status_code == 404
