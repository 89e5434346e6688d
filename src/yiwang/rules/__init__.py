"""The rule language and engine shared by 秒批 auto-approval and 免申即享 proactive benefits.

Pure Python + numpy (pyarrow optional): nothing from Django, so that it runs in a Spark executor or a notebook.

Auto-approval::

    schema = load_schema("facts.yaml")
    rules = load_rule_set("food_licence.yaml", schema)
    result = explain(rules, facts, schema, as_of=today)   # result.result in {"true", "false", "unknown"}
    store(result.as_dict())

Policies::

    policies = load_policies("policies.yaml", schema)
    matcher = Matcher(policies, schema, as_of=today)
    matcher.load(FactTable.from_arrow(schema, snapshot))
    counts = matcher.run().as_dict(); rows = matcher.eligible("HZ-001")
    matcher.update(changed_rows, FactTable.from_records(schema, changed))
    matcher.calculate(facts)               # 政策计算器
    what_if(matcher, draft_policy)         # 政策沙盘
"""

from .calculator import CalculatorResult, NearMiss
from .cases import CaseResult, run_cases
from .columnar import FactTable
from .describe import describe
from .errors import Problem, RuleError
from .explain import ConditionResult, Explanation, evaluate, explain
from .language import Group, Leaf, Node, Not, RelativeDate
from .matching import Matcher, MatchRun
from .policy import (
    Amount,
    PolicyDef,
    RuleSet,
    fen_of,
    load_policies,
    load_rule_set,
    policy_from_dict,
    to_cent,
    yuan_of_fen,
)
from .sandbox import SandboxResult, what_if
from .schema import FactDef, FactSchema, FactType, load_schema

__all__ = [
    "Amount",
    "CalculatorResult",
    "CaseResult",
    "ConditionResult",
    "Explanation",
    "FactDef",
    "FactSchema",
    "FactTable",
    "FactType",
    "Group",
    "Leaf",
    "MatchRun",
    "Matcher",
    "NearMiss",
    "Node",
    "Not",
    "PolicyDef",
    "Problem",
    "RelativeDate",
    "RuleError",
    "RuleSet",
    "SandboxResult",
    "describe",
    "evaluate",
    "explain",
    "fen_of",
    "load_policies",
    "load_rule_set",
    "load_schema",
    "policy_from_dict",
    "run_cases",
    "to_cent",
    "what_if",
    "yuan_of_fen",
]
