"""Notifications: written in the caller's transaction, delivered at least once from the outbox, never lost."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from io import StringIO
from typing import ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from yiwang.core import notify, tasks
from yiwang.core.channels import Channel, OutgoingMessage, mask_address
from yiwang.core.models import Notification

User = get_user_model()  # accounts.User, through the setting: core sits below accounts
PASSWORD = "Correct-Horse-9"
PHONE = "13812345678"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class RecordingChannel(Channel):
    """A gateway that remembers what it was given."""

    sent: ClassVar[list[int]] = []

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message.id)


class FailingChannel(Channel):
    """A gateway that is down."""

    def send(self, message: OutgoingMessage) -> None:
        raise ConnectionError("gateway unreachable")


@pytest.fixture
def citizen(db):
    return User.objects.create_user(username="li", password=PASSWORD, full_name="李雷", phone=PHONE)


@pytest.fixture
def outbox_dir(tmp_path, settings):
    settings.YIWANG_NOTIFY_FILE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()  # type: ignore[attr-defined]
    return default_task_backend


def _lines(directory, channel="sms"):
    file = directory / f"{channel}.jsonl"
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()] if file.exists() else []


def _make_due(**filters) -> None:
    """Move time forward: every pending row's next attempt is now due."""
    Notification.objects.filter(state="pending", **filters).update(next_attempt_at=timezone.now() - timedelta(1))


def test_rolled_back_operation_notifies_nobody_and_enqueues_nothing(
    citizen, dummy_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify.notify(citizen, "办件已受理", "您的申请已受理。", channels=("portal", "sms"), dedupe_key="app:1:ok")
        raise RuntimeError("the business operation failed after notifying")
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert dummy_tasks.results == []


def test_committed_operation_enqueues_delivery_once(citizen, dummy_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = notify.notify(
            citizen, "办件已受理", "您的申请已受理。", channels=("portal", "sms"), dedupe_key="app:1:ok"
        )
    assert {(r.channel, r.state) for r in rows} == {("portal", "sent"), ("sms", "pending")}
    assert [r.task.name for r in dummy_tasks.results] == ["deliver_pending"]


def test_portal_only_message_needs_no_task(citizen, dummy_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (row,) = notify.notify(citizen, "欢迎", "欢迎使用一网通办。", dedupe_key="welcome")
    assert row.state == "sent" and row.sent_at is not None and row.read_at is None
    assert callbacks == [] and dummy_tasks.results == []


def test_same_event_notified_twice_is_one_row_per_channel(citizen, dummy_tasks):
    for _ in range(2):
        notify.notify(citizen, "办结", "已办结。", channels=("portal", "sms"), dedupe_key="app:7:done")
    assert Notification.objects.filter(dedupe_key="app:7:done").count() == 2  # one portal, one sms
    other = User.objects.create_user(username="han", password=PASSWORD)
    notify.notify(other, "办结", "已办结。", dedupe_key="app:7:done")  # the same event, another person
    assert Notification.objects.filter(recipient=other).count() == 1


def test_bad_arguments_are_refused(citizen):
    with pytest.raises(ValueError, match="channels"):
        notify.notify(citizen, "x", "y", channels=("fax",), dedupe_key="k")
    with pytest.raises(ValueError, match="dedupe_key"):
        notify.notify(citizen, "x", "y", dedupe_key="")
    with pytest.raises(ValueError, match="url"):
        notify.notify(citizen, "x", "y", url="javascript:alert(1)", dedupe_key="k")
    assert Notification.objects.count() == 0


def test_delivery_marks_sent_and_writes_the_file_line_with_the_phone_masked(
    citizen, outbox_dir, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS  # runs the task as soon as it is enqueued, after the commit
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (row,) = notify.notify(
            citizen, "缴费提醒", "请于本月底前缴费。", url="/applications/", channels=("sms",), dedupe_key="fee"
        )
        assert _lines(outbox_dir) == []  # nothing leaves before the commit
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None and row.next_attempt_at is None
    (line,) = _lines(outbox_dir)
    assert line["id"] == row.pk and line["subject"] == "缴费提醒" and line["url"] == "/applications/"
    assert line["address"] == "138****5678"
    assert PHONE not in (outbox_dir / "sms.jsonl").read_text(encoding="utf-8")


def test_email_goes_to_the_console_log_masked(citizen, caplog):
    citizen.email = "lilei@example.cn"
    citizen.save()
    notify.notify(citizen, "材料补正", "请补正材料。", channels=("email",), dedupe_key="fix")
    with caplog.at_level("INFO", logger="yiwang.notify"):
        assert notify.deliver_pending().sent == 1
    assert "l***@example.cn" in caplog.text and "lilei@" not in caplog.text


def test_recipient_without_address_fails_at_once(db, outbox_dir):
    nobody = User.objects.create_user(username="wu", password=PASSWORD)
    (row,) = notify.notify(nobody, "x", "y", channels=("sms",), dedupe_key="k")
    report = notify.deliver_pending()
    row.refresh_from_db()
    assert (report.failed, row.state, row.attempts) == (1, "failed", 1)
    assert "no sms address" in row.last_error
    assert _lines(outbox_dir) == []


@override_settings(
    YIWANG_NOTIFY_CHANNELS={"sms": f"{__name__}.FailingChannel"},
    YIWANG_NOTIFY_MAX_ATTEMPTS=3,
    YIWANG_NOTIFY_RETRY_SECONDS=60,
)
def test_failing_channel_retries_with_backoff_then_fails(citizen):
    (row,) = notify.notify(citizen, "x", "y", channels=("sms",), dedupe_key="k")
    waits = []
    for attempt in (1, 2):
        before = timezone.now()
        assert notify.deliver_pending().retried == 1
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("pending", attempt)
        assert row.last_error == "ConnectionError: gateway unreachable"
        waits.append(row.next_attempt_at - before)
        assert notify.deliver_pending().handled == 0  # not due yet
        _make_due()
    assert timedelta(seconds=60) <= waits[0] < timedelta(seconds=65)
    assert timedelta(seconds=120) <= waits[1] < timedelta(seconds=125)
    assert notify.deliver_pending().failed == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    _make_due()
    assert notify.deliver_pending().handled == 0  # failed is final


def test_retry_delay_doubles_and_is_capped(settings):
    settings.YIWANG_NOTIFY_RETRY_SECONDS = 60
    assert [notify.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert notify.retry_delay(40) == timedelta(days=1)


def test_row_left_pending_by_a_crash_is_delivered_by_the_sweeper(citizen, outbox_dir, dummy_tasks):
    (row,) = notify.notify(citizen, "证照到期", "您的营业执照将到期。", channels=("sms",), dedupe_key="expiry")
    # A worker claims the row, and dies before sending or before marking it sent.
    assert notify._claim(10, timezone.now(), notify.DeliveryReport()) == [row.pk]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)
    assert notify.deliver_pending().handled == 0  # leased to the dead worker: not yet due
    _make_due()  # the lease has run out
    call_command("notify", "deliver", stdout=(out := StringIO()))
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert out.getvalue().strip() == "sent=1 retried=0 failed=0"
    assert [line["id"] for line in _lines(outbox_dir)] == [row.pk]


def test_sweeper_can_hand_lost_work_to_the_task_queue(citizen, dummy_tasks):
    notify.notify(citizen, "x", "y", channels=("sms",), dedupe_key="k")
    dummy_tasks.clear()  # the task enqueued after commit was lost
    call_command("notify", "deliver", "--enqueue", stdout=StringIO())
    assert [r.task.name for r in dummy_tasks.results] == ["deliver_pending"]
    assert tasks.sweep_notifications.call() == 1


def test_interrupted_last_attempt_is_failed_not_retried_forever(citizen, settings):
    settings.YIWANG_NOTIFY_MAX_ATTEMPTS = 2
    (row,) = notify.notify(citizen, "x", "y", channels=("sms",), dedupe_key="k")
    Notification.objects.filter(pk=row.pk).update(attempts=2)
    report = notify.deliver_pending()
    row.refresh_from_db()
    assert (report.failed, row.state) == (1, "failed")


def test_full_batch_enqueues_the_next(citizen, outbox_dir, dummy_tasks):
    for n in range(3):
        notify.notify(citizen, "x", "y", channels=("sms",), dedupe_key=f"k{n}")
    dummy_tasks.clear()
    assert tasks.deliver_pending.call(2) == {"sent": 2, "retried": 0, "failed": 0}
    (follow_up,) = dummy_tasks.results
    assert follow_up.args == [2]
    assert tasks.deliver_pending.call(2) == {"sent": 1, "retried": 0, "failed": 0}
    assert len(dummy_tasks.results) == 1


@override_settings(YIWANG_NOTIFY_CHANNELS={"sms": f"{__name__}.FailingChannel"})
def test_retry_is_scheduled_as_a_deferred_task(citizen, dummy_tasks):
    notify.notify(citizen, "x", "y", channels=("sms",), dedupe_key="k")
    dummy_tasks.clear()
    tasks.deliver_pending.call()
    (deferred,) = dummy_tasks.results
    assert deferred.task.run_after == Notification.objects.get().next_attempt_at


@pytest.mark.django_db(transaction=True)
@override_settings(YIWANG_NOTIFY_CHANNELS={"sms": f"{__name__}.RecordingChannel"})
def test_concurrent_workers_send_each_message_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by threads; on disk it serialises writers")
    citizen = User.objects.create_user(username="li", password=PASSWORD, phone=PHONE)
    for n in range(40):
        notify.notify(citizen, "x", "y", channels=("sms",), dedupe_key=f"k{n}")
    RecordingChannel.sent.clear()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while notify.deliver_pending(3).handled:
                pass
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(RecordingChannel.sent) == sorted(Notification.objects.values_list("pk", flat=True))
    assert set(Notification.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_mask_address():
    assert mask_address("13812345678") == "138****5678"
    assert mask_address("zhang.san@gov.cn") == "z***@gov.cn"
    assert mask_address("12345") == "*****"


def test_messages_page_shows_only_own_messages_newest_first_and_marks_them_read(client, citizen):
    other = User.objects.create_user(username="han", password=PASSWORD)
    notify.notify(citizen, "较早的消息", "第一条", dedupe_key="a")
    notify.notify(citizen, "较新的消息", "第二条", url="/applications/", dedupe_key="b")
    notify.notify(other, "别人的消息", "不应看到", dedupe_key="a")
    notify.notify(citizen, "短信不在站内", "sms", channels=("sms",), dedupe_key="c")
    Notification.objects.filter(subject="较早的消息").update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(citizen)

    response = client.get("/messages/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "别人的消息" not in html and "短信不在站内" not in html
    assert html.index("较新的消息") < html.index("较早的消息")
    assert html.count("未读") == 2  # marked in words, not by colour alone
    assert 'href="/applications/"' in html
    assert Notification.objects.filter(recipient=citizen, channel="portal", read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1

    assert "未读" not in client.get("/messages/").content.decode()


def test_messages_page_needs_login(client, db):
    response = client.get("/messages/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unread_count_context_processor(citizen, rf):
    from django.contrib.auth.models import AnonymousUser

    notify.notify(citizen, "x", "y", dedupe_key="a")
    notify.notify(citizen, "x", "y", dedupe_key="b")
    request = rf.get("/")
    request.user = citizen
    assert notify.unread_count(request)["unread_messages_count"] == 2
    notify.mark_read(citizen, Notification.objects.values_list("pk", flat=True)[:1])
    assert notify.unread_count(request)["unread_messages_count"] == 1
    request.user = AnonymousUser()
    assert notify.unread_count(request) == {"unread_messages_count": 0}
