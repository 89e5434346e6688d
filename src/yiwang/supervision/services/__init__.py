"""The operations of 督查督办: items and their data, colour rules and colours, rectification, reports."""

from yiwang.supervision.services.colouring import (
    RecomputeReport,
    describe_reason,
    item_facts,
    publish_colour_rules,
    recompute_colours,
    rules_in_force,
)
from yiwang.supervision.services.items import (
    REPORT_COLUMNS,
    complete_milestone,
    create_item,
    import_reports_excel,
    submit_report,
)
from yiwang.supervision.services.rectification import (
    accept_rectification,
    escalate_overdue_orders,
    issue_rectification,
    reject_rectification,
    submit_rectification,
)
from yiwang.supervision.services.reports import generate_periodic_report, report_period

__all__ = [
    "REPORT_COLUMNS",
    "RecomputeReport",
    "accept_rectification",
    "complete_milestone",
    "create_item",
    "describe_reason",
    "escalate_overdue_orders",
    "generate_periodic_report",
    "import_reports_excel",
    "issue_rectification",
    "item_facts",
    "publish_colour_rules",
    "recompute_colours",
    "reject_rectification",
    "report_period",
    "rules_in_force",
    "submit_rectification",
    "submit_report",
]
