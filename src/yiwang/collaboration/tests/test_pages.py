"""The officials' pages: send an instruction from the tree, answer it as a village, follow it live."""

from __future__ import annotations

from django.urls import reverse

from yiwang.collaboration.models import Instruction, Receipt
from yiwang.collaboration.tests.factories import PASSWORD
from yiwang.core.models import AuditEntry


def test_an_official_sends_to_a_district_and_a_village_acknowledges_on_its_page(client, org, tree, sender):
    client.login(username=sender.username, password=PASSWORD)
    page = client.get(reverse("collaboration:workbench:instructions"))
    assert page.status_code == 200 and tree.townships[0].name in page.content.decode()
    response = client.post(
        reverse("collaboration:workbench:instructions"),
        {
            "title": "森林防火",
            "body": "请各村签收。",
            "department": org.xihu_samr.pk,
            "roots": [tree.district.code],
            "levels": ["5"],
            "days_3": 3,
            "days_4": 2,
            "days_5": 1,
            "idempotency_key": "page-1",
        },
    )
    instruction = Instruction.objects.get()
    assert response.status_code == 302 and instruction.receipt_count == 12

    village = tree.villages[0]
    client.logout()
    client.login(username=village.liaison.username, password=PASSWORD)
    inbox = client.get(reverse("collaboration:workbench:receipts"))
    assert "森林防火" in inbox.content.decode()
    receipt = Receipt.objects.get(instruction=instruction, unit=village)
    assert receipt.state == Receipt.State.PENDING  # opening the list reads nothing on the unit's behalf
    assert not AuditEntry.objects.filter(action="collaboration.receipt.read").exists()
    client.post(reverse("collaboration:workbench:receipts"), {"receipt": receipt.pk, "action": "read"})
    receipt.refresh_from_db()
    assert receipt.state == Receipt.State.READ and receipt.read_at is not None
    entry = AuditEntry.objects.get(action="collaboration.receipt.read")
    assert entry.object_id == str(receipt.pk) and entry.actor_id == village.liaison.pk
    client.post(reverse("collaboration:workbench:receipts"), {"receipt": receipt.pk, "action": "acknowledge"})
    receipt.refresh_from_db()
    assert receipt.state == Receipt.State.ACKNOWLEDGED

    client.logout()
    client.login(username=sender.username, password=PASSWORD)
    detail = client.get(reverse("collaboration:workbench:instruction", args=[instruction.pk])).content.decode()
    assert 'data-count="acknowledged">1<' in detail


def test_another_departments_official_cannot_open_the_instruction(client, org, tree, sender, make_official):
    from yiwang.collaboration.services import send_instruction

    instruction = send_instruction(
        actor=sender,
        department=org.xihu_samr,
        title="t",
        body="b",
        roots=[tree.district.code],
        levels=[5],
        idempotency_key="x",
    )
    outsider = make_official("outsider", org.shangcheng_samr)
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("collaboration:workbench:instruction", args=[instruction.pk])).status_code == 404
