"""notify_many: the rows notify() writes, for many recipients in a few inserts; a repeated event is skipped."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from yiwang.core import notify
from yiwang.core.models import Notification

User = get_user_model()
COLUMNS = ("recipient_id", "channel", "subject", "body", "url", "dedupe_key", "state", "object_type", "object_id")


@pytest.fixture
def people(db):
    return [
        User.objects.create_user(username=f"u{n}", password="Correct-Horse-9", phone="13812345678") for n in range(3)
    ]


def _rows():
    rows = Notification.objects.order_by("recipient_id", "channel").values_list(*COLUMNS)
    return [r for r in rows]


def test_notify_many_writes_what_notify_would_and_skips_a_repeat(people, django_capture_on_commit_callbacks):
    target = people[0]  # any saved model: the notices are "about" it
    for user in people:
        notify.notify(
            user,
            "新指令",
            "请签收",
            url="/workbench/x/",
            channels=("portal", "sms"),
            dedupe_key=f"e:{user.pk}",
            obj=target,
        )
    expected = _rows()
    for state in ("sent", "pending"):
        assert any(row[6] == state for row in expected)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        written = notify.notify_many(
            [(user.pk, f"e:{user.pk}") for user in people],
            "新指令",
            "请签收",
            url="/workbench/x/",
            channels=("portal", "sms"),
            obj=target,
        )
    assert written == 6 and _rows() == expected and len(callbacks) == 1  # delivery enqueued once, after commit
    pending = Notification.objects.filter(channel="sms")
    assert all(n.next_attempt_at is not None and n.sent_at is None for n in pending)

    notify.notify_many([(people[0].pk, f"e:{people[0].pk}")], "again", "again", channels=("portal",))
    assert Notification.objects.count() == 6 and not Notification.objects.filter(subject="again").exists()


def test_notify_many_refuses_an_unknown_channel_and_a_foreign_url(people):
    with pytest.raises(ValueError, match="channels"):
        notify.notify_many([(people[0].pk, "k")], "s", "b", channels=("pigeon",))
    with pytest.raises(ValueError, match="url"):
        notify.notify_many([(people[0].pk, "k")], "s", "b", url="//evil.example")
    assert not Notification.objects.exists()
