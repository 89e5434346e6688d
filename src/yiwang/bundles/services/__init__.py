"""Business operations on bundles (一件事联办), one concept per module; this is their public face.

- :mod:`.design`: a bundle's items, dependencies, publishing (administrators).
- :mod:`.importing`: bundle designs loaded from data, all or none (operators, the demo seed).
- :mod:`.submission`: one merged form and one set of materials submitted for the whole bundle.
- :mod:`.progress`: starting each item when its prerequisites completed (串联改并联), sharing results.
- :mod:`.corrections`: the applicant's correction once for all departments, and withdrawal.
- :mod:`.notices`: what the applicant is told, once per round.
- :mod:`.reads`: the read models of the status page and the API.

Workflow (docs/decisions/0009-bundle-workflow.md): a small explicit dependency graph over the existing application
state machine.
"""

from yiwang.bundles.services.corrections import resubmit_bundle, withdraw_bundle
from yiwang.bundles.services.design import (
    DependencyCycle,
    add_item,
    bundle_items,
    ordered_items,
    publish_bundle,
    remove_item,
    set_dependencies,
    unpublish_bundle,
)
from yiwang.bundles.services.importing import import_bundles
from yiwang.bundles.services.progress import (
    OPEN_STATES,
    advance_bundle,
    advance_open_bundles,
    child_key,
    derive_state,
    share_results,
)
from yiwang.bundles.services.reads import (
    children_of,
    correction_list,
    results,
    status_rows,
    visible_bundle_application,
)
from yiwang.bundles.services.submission import asked_materials, submit_bundle

__all__ = [
    "OPEN_STATES",
    "DependencyCycle",
    "add_item",
    "advance_bundle",
    "advance_open_bundles",
    "asked_materials",
    "bundle_items",
    "child_key",
    "children_of",
    "correction_list",
    "derive_state",
    "import_bundles",
    "ordered_items",
    "publish_bundle",
    "remove_item",
    "resubmit_bundle",
    "results",
    "set_dependencies",
    "share_results",
    "status_rows",
    "submit_bundle",
    "unpublish_bundle",
    "visible_bundle_application",
    "withdraw_bundle",
]
