"""Three-colour codes (三色赋码) computed by versioned rules in the shared rule language.

A rule set names the conditions of ``red`` and of ``yellow`` (red is checked first; neither gives green) and the
``flags`` of likely gaming. The facts of an item on a date come from its latest monthly report and its
milestones (:data:`FACTS`). All items are evaluated at once with the rule engine's :class:`~yiwang.rules.Matcher`:
each colour, each flag and each leaf condition is a "policy", so one pass gives the colour and the conditions
that made it, and the reason stored with the colour is the rule, the values and the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from yiwang.rules import FactSchema, FactTable, Matcher, PolicyDef, RuleError, policy_from_dict
from yiwang.rules.language import Leaf, iter_leaves

__all__ = ["DEFAULT_RULES", "FACTS", "ColourRules", "Evaluation", "load_colour_rules"]

DEFAULT_RULES = (Path(__file__).parent / "colour_rules.yaml").read_text(encoding="utf-8")

FACTS = FactSchema.from_dict(
    {
        "facts": {
            "progress_gap": {
                "type": "decimal",
                "label": "形象进度滞后（百分点）",
                "source": "月度报送.计划−实际形象进度",
            },
            "investment_ratio": {
                "type": "decimal",
                "label": "累计投资完成率（%）",
                "source": "月度报送.累计完成/计划投资",
            },
            "overdue_milestones": {"type": "int", "label": "逾期节点数", "unit": "个", "source": "节点.计划日期"},
            "warning_signals": {"type": "int", "label": "预警信号数", "unit": "个", "source": "月度报送.预警信号"},
            "months_without_report": {"type": "int", "label": "未报送月数", "unit": "月", "source": "月度报送.月份"},
            "actual_progress": {"type": "decimal", "label": "实际形象进度（%）", "source": "月度报送.实际形象进度"},
            "photos": {"type": "int", "label": "形象进度照片数", "unit": "张", "source": "月度报送.照片"},
            "registry_gap": {
                "type": "decimal",
                "label": "报送投资高于登记库（%）",
                "source": "投资项目在线审批监管平台.完成投资",
            },
        }
    }
)
COLOURS = ("red", "yellow")


@dataclass(frozen=True)
class ColourRules:
    """A parsed rule set: the colour policies, the flag policies and every leaf as a policy of its own."""

    colours: dict[str, PolicyDef]
    flags: dict[str, PolicyDef]
    leaves: dict[str, tuple[str, Leaf]]  # policy id -> (owner id, leaf)

    def policies(self) -> list[PolicyDef]:
        leaf_policies = [PolicyDef(pid, leaf.label, "enterprise", leaf) for pid, (_owner, leaf) in self.leaves.items()]
        return [*self.colours.values(), *self.flags.values(), *leaf_policies]


def load_colour_rules(text: str) -> ColourRules:
    """Parse ``{colours: {red, yellow}, flags: {...}}``; raises :class:`~yiwang.rules.RuleError` naming the path."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError.single("", "bad_yaml", f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"colours", "flags"} or not isinstance(data.get("colours"), dict):
        raise RuleError.single("", "bad_shape", "a colour rule set is a mapping with colours (red, yellow) and flags")
    if set(data["colours"]) != set(COLOURS):
        raise RuleError.single("colours", "bad_colours", "colours must define exactly red and yellow")
    colours: dict[str, PolicyDef] = {}
    flags: dict[str, PolicyDef] = {}
    for section, target in (("colours", colours), ("flags", flags)):
        for key, body in (data.get(section) or {}).items():
            if not isinstance(body, dict):
                raise RuleError.single(f"{section}.{key}", "not_mapping", "a rule must be a mapping")
            target[str(key)] = policy_from_dict(
                {"id": str(key), "title": body.get("title", key), "conditions": body.get("conditions")},
                FACTS,
                f"{section}.{key}",
            )
    leaves: dict[str, tuple[str, Leaf]] = {}
    for owner, policy in [*colours.items(), *(("flag." + k, v) for k, v in flags.items())]:
        for n, leaf in enumerate(iter_leaves(policy.condition)):
            leaves[f"{owner}.{leaf.id or n}"] = (owner, leaf)
    return ColourRules(colours, flags, leaves)


@dataclass
class Evaluation:
    """Colours of n items: ``colour[i]`` in green/yellow/red; for each leaf condition of the red and yellow rules
    the rows where it held *and* gave the colour, and for each flag the rows it was raised on (boolean masks)."""

    colour: np.ndarray
    held_masks: dict[str, np.ndarray]  # leaf policy id -> rows where it held for its colour
    flag_masks: dict[str, np.ndarray]  # flag id -> rows flagged

    def held(self, row: int) -> list[str]:
        return [pid for pid, mask in self.held_masks.items() if mask[row]]

    def flags(self, row: int) -> list[str]:
        return [key for key, mask in self.flag_masks.items() if mask[row]]

    def keys(self, names: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the held leaves (as ``names[pid]``) and the flags, comma-joined, in rule order (vectorised)."""
        return _joined(self.held_masks, names, len(self.colour)), _joined(
            self.flag_masks, {k: k for k in self.flag_masks}, len(self.colour)
        )


def _joined(masks: dict[str, np.ndarray], names: dict[str, str], n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for pid, mask in masks.items():
        if not mask.any():
            continue
        prefix = np.where(out[mask] == "", "", ",")
        out[mask] = out[mask] + prefix + names[pid]
    return out


def evaluate_colours(rules: ColourRules, columns: dict[str, Any], n: int, as_of: dt.date) -> Evaluation:
    """Evaluate every item (the fact ``columns``, numpy arrays with NaN or masked for missing) in one engine pass."""
    colour = np.full(n, "green", dtype=object)
    if n == 0:
        return Evaluation(colour, {}, {})
    matcher = Matcher(rules.policies(), FACTS, as_of=as_of)
    matcher.load(FactTable.from_columns(FACTS, columns))

    def mask(policy_id: str) -> np.ndarray:
        out = np.zeros(n, bool)
        out[matcher.eligible(policy_id)] = True
        return out

    colour[mask("yellow")] = "yellow"
    colour[mask("red")] = "red"
    held = {
        pid: mask(pid) & (colour == owner)
        for pid, (owner, _leaf) in rules.leaves.items()
        if not owner.startswith("flag.")
    }
    return Evaluation(colour, held, {key: mask(key) for key in rules.flags})
