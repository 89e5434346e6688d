"""The pure draw engine: deterministic from the seed, agrees with the standalone script, never breaks recusal."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.regulation import draw as engine

_SCRIPT = Path(__file__).resolve().parents[4] / "tools" / "verify_draw.py"
_spec = importlib.util.spec_from_file_location("verify_draw", _SCRIPT)
assert _spec is not None and _spec.loader is not None
verify_draw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify_draw)


def synthetic(n_targets: int, n_officers: int, rng: random.Random, *, n_keys: int = 40) -> tuple[str, str, str]:
    tasks = [
        {
            "department": "D1",
            "items": [{"code": "I1", "kind": "general"}, {"code": "I2", "kind": "general"}],
            "kind": "general",
            "ratios_bp": {"A": 500, "B": 2000, "C": 5000, "D": 10000},
            "industries": [],
        },
        {
            "department": "D2",
            "items": [{"code": "J1", "kind": "key"}],
            "kind": "key",
            "ratios_bp": {"A": 1000, "B": 3000, "C": 6000, "D": 10000},
            "industries": ["5", "65"],
        },
    ]
    plan = engine.canonical_json({"algorithm": engine.ALGORITHM, "tasks": tasks, "max_visits_per_officer": 0})
    targets = "".join(
        f"T{i:06d}\t{rng.choice('ABCD')}\t{int(rng.random() < 0.1)}\t{rng.choice(['51', '65', '13'])}\t"
        f"{','.join(sorted({f'k{rng.randrange(n_keys)}' for _ in range(2)}))}\n"
        for i in range(n_targets)
    )
    officers = "".join(
        f"O{o:05d}\t{rng.choice(['D1', 'D2'])}\t{','.join(sorted(rng.sample(['I1', 'I2', 'J1'], rng.randint(1, 3))))}\t"
        f"k{rng.randrange(n_keys)}\n"
        for o in range(n_officers)
    )
    return plan, targets, officers


def run(plan: str, targets: str, officers: str, seed: str) -> engine.DrawResult:
    return engine.run_draw(engine.DrawInput.from_files(plan, targets, officers), seed)


SEED = engine.seed_of("00" * 32, engine.canonical_randomness("lottery", "45 9 18\n3 1"))


def test_lottery_numbers_are_canonicalised_in_the_manner_of_rfc_3797():
    assert engine.canonical_randomness("lottery", "45 9 18\n3, 1") == "9.18.45./1.3./"
    assert engine.canonical_randomness("beacon", " ABCD ") == "abcd/"


def test_the_draw_is_deterministic_and_the_standalone_script_reaches_the_same_list():
    plan, targets, officers = synthetic(600, 30, random.Random(1))
    first, second = run(plan, targets, officers, SEED), run(plan, targets, officers, SEED)
    assert first == second and first.visits
    mine = verify_draw.draw(
        engine.json.loads(plan),
        [line.split("\t") for line in targets.splitlines()],
        [line.split("\t") for line in officers.splitlines()],
        SEED,
    )
    assert mine == {"counts": first.counts, "visits": first.visits}
    other = run(plan, targets, officers, engine.seed_of("11" * 32, "1./"))
    assert other.visits != first.visits


def test_ratios_by_class_and_targeted_industries_set_the_counts():
    plan, targets, officers = synthetic(600, 30, random.Random(2))
    result = run(plan, targets, officers, SEED)
    rows = [line.split("\t") for line in targets.splitlines()]
    eligible_d = sum(1 for r in rows if r[1] == "D" and r[2] == "0")
    assert result.counts[0]["D"] == [eligible_d, eligible_d]  # 100% of D-class
    eligible_a = sum(1 for r in rows if r[1] == "A" and r[2] == "0")
    assert result.counts[0]["A"] == [eligible_a, -(-eligible_a * 500 // 10000)]
    targeted = {r[0] for r in rows if r[3] in ("51", "65")}
    drawn_by_d2 = {v["target"] for v in result.visits if any(p["department"] == "D2" for p in v["parts"])}
    assert drawn_by_d2 <= targeted
    excluded = {r[0] for r in rows if r[2] == "1"}
    assert not excluded & {v["target"] for v in result.visits}


def test_an_object_drawn_by_two_departments_is_one_visit_with_officers_of_both():
    plan, targets, officers = synthetic(600, 30, random.Random(3))
    result = run(plan, targets, officers, SEED)
    joint = [v for v in result.visits if len(v["parts"]) == 2]
    assert joint
    assert len({v["target"] for v in result.visits}) == len(result.visits)
    departments = dict(line.split("\t")[:2] for line in officers.splitlines())
    staffed = [v for v in joint if not v["unstaffed"]]
    assert staffed
    for visit in staffed:
        assert {departments[o] for o in visit["officers"]} == {"D1", "D2"}


def test_every_staffed_visit_has_two_officers_covering_every_item():
    plan, targets, officers = synthetic(400, 40, random.Random(4))
    rows = {line.split("\t")[0]: line.split("\t") for line in officers.splitlines()}
    for visit in run(plan, targets, officers, SEED).visits:
        if visit["unstaffed"]:
            continue
        assert len(visit["officers"]) >= 2
        covered = {i for o in visit["officers"] for i in rows[o][2].split(",")}
        assert {i for p in visit["parts"] for i in p["items"]} <= covered


def test_a_one_byte_change_to_a_roster_changes_the_commitment():
    plan, targets, officers = synthetic(50, 10, random.Random(5))
    base = engine.commitment_of(plan, targets, officers)
    changed = targets.replace("\tA\t", "\tB\t", 1)
    assert changed != targets
    assert engine.commitment_of(plan, changed, officers) != base
    assert engine.commitment_of(plan, targets, officers + " ") != base


def test_the_pure_python_sm3_of_the_script_agrees_with_openssl():
    for data in (b"", b"abc", b"abcd" * 16, bytes(range(256)) * 5):
        assert verify_draw.sm3_pure(data) == bytes.fromhex(engine.sm3_hex(data))
    assert verify_draw.sm3_pure(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.binary(min_size=32, max_size=32),
    n_targets=st.integers(1, 120),
    n_officers=st.integers(1, 25),
    n_keys=st.integers(1, 12),
    salt=st.integers(0, 10_000),
)
def test_no_officer_is_ever_matched_with_an_object_he_is_related_to(seed, n_targets, n_officers, n_keys, salt):
    plan, targets, officers = synthetic(n_targets, n_officers, random.Random(salt), n_keys=n_keys)
    target_keys = {r[0]: set(r[4].split(",")) for r in (line.split("\t") for line in targets.splitlines())}
    officer_keys = {r[0]: set(r[3].split(",")) for r in (line.split("\t") for line in officers.splitlines())}
    result = run(plan, targets, officers, seed.hex())
    for target, officer in engine.iter_pairs(result):
        assert not target_keys[target] & officer_keys[officer]
