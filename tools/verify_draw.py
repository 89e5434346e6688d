#!/usr/bin/env python3
"""Re-run a published 双随机 draw of Yiwang and check that it reaches the published list.

Needs only Python 3.10+ and the published files, in one folder (download them from the public draw page):
    plan.json  targets.tsv  officers.tsv  randomness.json  result.json

    python3 verify_draw.py FOLDER

It checks, and says which check failed:
1. the commitment is SM3(algorithm, SM3 of each of the three input files) and equals the published one, so the
   rosters and the plan are the ones fixed before the randomness existed (a one-byte change changes it);
2. the seed is SM3 of the commitment and the named randomness (a beacon round or lottery numbers, RFC 3797 style);
3. the draw, re-run here from the seed with its own code (no Yiwang code, no third-party package), gives exactly
   the published result;
4. no officer is matched with an object he shares a relation key with (回避), and every staffed visit has at least
   two officers.
Exit status 0 when every check holds, 1 otherwise. The algorithm is described in Yiwang's ``regulation/draw.py``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import struct
import sys
from pathlib import Path

ALGORITHM = "yiwang-draw/2"
CLASSES = "ABCD"
MIN_OFFICERS = 2
TWO64 = 1 << 64


# --- SM3 (GB/T 32905-2016): hashlib's when OpenSSL provides it, else this pure-Python one ---------------------

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_M = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _M


def _compress(v: list[int], block: bytes) -> list[int]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
        w.append((x ^ _rotl(x, 15) ^ _rotl(x, 23)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    w1 = [w[j] ^ w[j + 4] for j in range(64)]
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        t = 0x79CC4519 if j < 16 else 0x7A879D8A
        ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & _M, 7)
        ss2 = ss1 ^ _rotl(a, 12)
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + w1[j]) & _M
        tt2 = (gg + h + ss1 + w[j]) & _M
        d, c, b, a = c, _rotl(b, 9), a, tt1
        h, g, f, e = g, _rotl(f, 19), e, tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
    return [x ^ y for x, y in zip([a, b, c, d, e, f, g, h], v, strict=True)]


def sm3_pure(data: bytes) -> bytes:
    length = len(data) * 8
    padded = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + length.to_bytes(8, "big")
    v = list(_IV)
    for i in range(0, len(padded), 64):
        v = _compress(v, padded[i : i + 64])
    return struct.pack(">8I", *v)


def sm3(data: bytes) -> bytes:
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:
        return sm3_pure(data)


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


# --- the draw -------------------------------------------------------------------------------------------------


class Stream:
    """SM3(seed ‖ counter), each digest read as four big-endian 64-bit words in order."""

    def __init__(self, seed_hex: str) -> None:
        self.seed = bytes.fromhex(seed_hex)
        self.counter = 0
        self.words: tuple[int, ...] = ()
        self.pos = 0

    def below(self, m: int) -> int:
        limit = TWO64 - TWO64 % m
        while True:
            if self.pos == len(self.words):
                batch = b"".join(sm3(self.seed + (self.counter + i).to_bytes(8, "big")) for i in range(64))
                self.counter += 64
                self.words, self.pos = struct.unpack(">256Q", batch), 0
            u = self.words[self.pos]
            self.pos += 1
            if u < limit:
                return u % m


def canonical_randomness(source: str, value: str) -> str:
    if source == "beacon":
        return value.strip().lower() + "/"
    parts = []
    for line in value.strip().splitlines():
        numbers = sorted(int(tok) for tok in line.replace(",", " ").split())
        if numbers:
            parts.append("".join(f"{n}." for n in numbers) + "/")
    return "".join(parts)


def commitment_of(plan: str, targets: str, officers: str) -> str:
    manifest = "\n".join([ALGORITHM, sm3_hex(plan.encode()), sm3_hex(targets.encode()), sm3_hex(officers.encode()), ""])
    return sm3_hex(manifest.encode())


def draw(plan: dict, targets: list[list[str]], officers: list[list[str]], seed: str) -> dict:
    """The draw's result: its counts per task and class, and its visits in roster order."""
    return draw_indexed(plan, targets, officers, seed)[0]


def draw_indexed(plan: dict, targets: list[list[str]], officers: list[list[str]], seed: str) -> tuple[dict, list[int]]:
    """The result, and the roster row of each visit's object."""
    stream = Stream(seed)
    tasks = plan["tasks"]
    drawn: dict[int, list[int]] = {}
    counts = []
    eligible: dict[tuple[str, ...], dict[str, list[int]]] = {}
    for t, task in enumerate(tasks):
        prefixes = tuple(task.get("industries") or ())
        if prefixes not in eligible:
            if () not in eligible:
                everyone: dict[str, list[int]] = {c: [] for c in CLASSES}
                for i, row in enumerate(targets):
                    if row[2] != "1":
                        everyone[row[1]].append(i)
                eligible[()] = everyone
            if prefixes:
                eligible[prefixes] = {
                    c: [i for i in eligible[()][c] if targets[i][3].startswith(prefixes)] for c in CLASSES
                }
        task_counts = {}
        for klass in CLASSES:
            pool = list(eligible[prefixes][klass])
            m = len(pool)
            n = (m * int(task["ratios_bp"].get(klass, 0)) + 9999) // 10000
            for k in range(n):
                j = k + stream.below(m - k)
                pool[k], pool[j] = pool[j], pool[k]
            for i in pool[:n]:
                drawn.setdefault(i, []).append(t)
            task_counts[klass] = [m, n]
        counts.append(task_counts)

    cap = int(plan.get("max_visits_per_officer", 0))
    pools: dict[str, list[int]] = {}
    by_key: dict[str, set[int]] = {}
    items_of = []
    for o, row in enumerate(officers):
        pools.setdefault(row[1], []).append(o)
        items_of.append({x for x in row[2].split(",") if x})
        for key in filter(None, row[3].split(",")):
            by_key.setdefault(key, set()).add(o)
    load = [0] * len(officers)

    def free(o: int, chosen: list[int], related: set[int]) -> bool:
        return o not in related and o not in chosen and not (cap and load[o] >= cap)

    def greedy(pool: list[int], needed: set[str], start: int, related: set[int]) -> tuple[list[int], set[str]]:
        picks = []
        for k in range(len(pool)):
            if not needed:
                break
            o = pool[(start + k) % len(pool)]
            covers = items_of[o] & needed
            if covers and o not in related and not (cap and load[o] >= cap):
                picks.append(o)
                needed = needed - covers
        return picks, needed

    # Without a load cap a department's cover from a start is the same for every object it does not recuse.
    covers_from: dict[tuple[str, tuple[str, ...], int], tuple[list[int], set[str]]] = {}
    layouts: dict[tuple[int, ...], list[tuple[str, tuple[str, ...], list[int]]]] = {}
    visits, indices = [], []
    for target in sorted(drawn):
        task_ids = tuple(drawn[target])
        layout = layouts.get(task_ids)
        if layout is None:
            departments: dict[str, list[int]] = {}
            for t in task_ids:
                departments.setdefault(tasks[t]["department"], []).append(t)
            layout = layouts[task_ids] = [
                (d, tuple(sorted({it["code"] for t in departments[d] for it in tasks[t]["items"]})), departments[d])
                for d in sorted(departments)
            ]
        related: set[int] = set()
        for key in targets[target][4].split(","):
            if key in by_key:
                related |= by_key[key]
        chosen: list[int] = []
        parts, problems = [], []
        for department, items, department_tasks in layout:
            parts.append({"department": department, "items": list(items), "tasks": department_tasks})
            pool = pools.get(department, [])
            missing: set[str] = set(items)
            if pool:
                start = stream.below(len(pool))
                found = None
                if not cap:
                    key3 = (department, items, start)
                    found = covers_from.get(key3)
                    if found is None:
                        found = covers_from[key3] = greedy(pool, set(items), start, set())
                    if related and not related.isdisjoint(found[0]):
                        found = None
                if found is None:
                    found = greedy(pool, set(items), start, related)
                chosen.extend(found[0])
                for o in found[0]:
                    load[o] += 1
                missing = found[1]
            problems.extend(f"{department}:{code}" for code in sorted(missing))
        first_pool = pools.get(layout[0][0], [])
        if first_pool:
            start = stream.below(len(first_pool))  # drawn for every visit, needed or not
            for k in range(len(first_pool)):
                if len(chosen) >= MIN_OFFICERS:
                    break
                o = first_pool[(start + k) % len(first_pool)]
                if free(o, chosen, related):
                    chosen.append(o)
                    load[o] += 1
        if len(chosen) < MIN_OFFICERS:
            problems.append("officers<2")
        visits.append(
            {
                "target": targets[target][0],
                "parts": parts,
                "officers": [officers[o][0] for o in chosen],
                "unstaffed": problems,
            }
        )
        indices.append(target)
    return {"counts": counts, "visits": visits}, indices


def canonical_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def verify(folder: Path) -> list[str]:
    """The failed checks (empty when the draw verifies)."""
    read = lambda name: (folder / name).read_bytes().decode("utf-8")  # noqa: E731
    plan_text, targets_text, officers_text = read("plan.json"), read("targets.tsv"), read("officers.tsv")
    randomness = json.loads(read("randomness.json"))
    published_text = read("result.json").strip()
    failures = []
    commitment = commitment_of(plan_text, targets_text, officers_text)
    if commitment != randomness.get("commitment"):
        failures.append(f"commitment: the files hash to {commitment}, the published commitment differs")
    plan = json.loads(plan_text)
    if plan.get("algorithm") != ALGORITHM:
        return [*failures, f"algorithm: this script runs {ALGORITHM}, the plan names {plan.get('algorithm')}"]
    entropy = canonical_randomness(randomness["source"], randomness["value"])
    seed = sm3_hex(f"yiwang-draw-seed/1\n{commitment}\n{entropy}\n".encode())
    targets = [line.split("\t") for line in targets_text.splitlines()]
    officers = [line.split("\t") for line in officers_text.splitlines()]
    result, indices = draw_indexed(plan, targets, officers, seed)
    mine = canonical_json({"algorithm": ALGORITHM, "commitment": commitment, "seed": seed, **result})
    if mine != published_text:
        # Say what differs: the published commitment, the seed, or the list itself.
        published = json.loads(published_text)
        if published.get("commitment") != commitment and not failures:
            failures.append(f"commitment: the files hash to {commitment}, the published commitment differs")
        if published.get("seed") != seed:
            failures.append(f"seed: the commitment and the randomness give {seed}, the published seed differs")
        failures.append("result: re-running the draw gives a different list than the published one")
        return failures
    # The published list is the one re-run here: check its recusal and staffing against the rosters themselves.
    officer_keys = {row[0]: set(filter(None, row[3].split(","))) for row in officers}
    for visit, index in zip(result["visits"], indices, strict=True):
        target_keys = set(filter(None, targets[index][4].split(",")))
        for officer in visit["officers"]:
            if target_keys & officer_keys.get(officer, set()):
                failures.append(f"recusal: officer {officer} is related to {visit['target']}")
        if not visit["unstaffed"] and len(visit["officers"]) < MIN_OFFICERS:
            failures.append(f"officers: {visit['target']} has fewer than {MIN_OFFICERS} officers")
    return failures


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    gc.disable()  # hundreds of thousands of small containers, none freed: the cyclic collector only costs time
    failures = verify(Path(argv[1]))
    if failures:
        for failure in failures:
            print("FAILED", failure)
        return 1
    print("OK: commitment, seed, result and recusal verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
