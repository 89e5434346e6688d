from __future__ import annotations

import pytest


@pytest.fixture
def calendar(db):
    from yiwang.core.workdays import seed_work_calendar

    seed_work_calendar([2026])


@pytest.fixture
def tree(org, calendar):
    from yiwang.collaboration.tests.factories import build_tree

    return build_tree(org.xihu)


@pytest.fixture
def sender(org, make_official):
    return make_official("sender", org.xihu_samr)
