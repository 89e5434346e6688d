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

import hashlib
import json
import struct
import sys
from pathlib import Path

ALGORITHM = "yiwang-draw/1"
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
    def __init__(self, seed_hex: str) -> None:
        self.seed = bytes.fromhex(seed_hex)
        self.counter = 0
        self.buffer: list[int] = []

    def below(self, m: int) -> int:
        limit = TWO64 - TWO64 % m
        while True:
            if not self.buffer:
                digest = sm3(self.seed + self.counter.to_bytes(8, "big"))
                self.counter += 1
                self.buffer = [int.from_bytes(digest[i : i + 8], "big") for i in (24, 16, 8, 0)]
            u = self.buffer.pop()
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
    stream = Stream(seed)
    tasks = plan["tasks"]
    drawn: dict[int, list[int]] = {}
    counts = []
    eligible: dict[tuple[str, ...], dict[str, list[int]]] = {}
    for t, task in enumerate(tasks):
        prefixes = tuple(task.get("industries") or ())
        if prefixes not in eligible:
            by_class: dict[str, list[int]] = {c: [] for c in CLASSES}
            for i, row in enumerate(targets):
                if row[2] != "1" and (not prefixes or row[3].startswith(prefixes)):
                    by_class[row[1]].append(i)
            eligible[prefixes] = by_class
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

    visits = []
    for target in sorted(drawn):
        departments: dict[str, list[int]] = {}
        for t in drawn[target]:
            departments.setdefault(tasks[t]["department"], []).append(t)
        related: set[int] = set()
        for key in targets[target][4].split(","):
            related |= by_key.get(key, set())
        chosen: list[int] = []
        parts, problems = [], []
        for department in sorted(departments):
            items = sorted({it["code"] for t in departments[department] for it in tasks[t]["items"]})
            parts.append({"department": department, "items": items, "tasks": departments[department]})
            pool = pools.get(department, [])
            needed = set(items)
            if pool:
                start = stream.below(len(pool))
                for k in range(len(pool)):
                    o = pool[(start + k) % len(pool)]
                    if not needed:
                        break
                    covers = items_of[o] & needed
                    if covers and free(o, chosen, related):
                        chosen.append(o)
                        load[o] += 1
                        needed -= covers
            problems.extend(f"{department}:{code}" for code in sorted(needed))
        first_pool = pools.get(min(departments), [])
        if len(chosen) < MIN_OFFICERS and first_pool:
            start = stream.below(len(first_pool))
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
    return {"counts": counts, "visits": visits}


def canonical_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def verify(folder: Path) -> list[str]:
    """The failed checks (empty when the draw verifies)."""
    read = lambda name: (folder / name).read_bytes().decode("utf-8")  # noqa: E731
    plan_text, targets_text, officers_text = read("plan.json"), read("targets.tsv"), read("officers.tsv")
    randomness = json.loads(read("randomness.json"))
    published_text = read("result.json")
    published = json.loads(published_text)
    failures = []
    commitment = commitment_of(plan_text, targets_text, officers_text)
    if commitment != randomness.get("commitment") or commitment != published.get("commitment"):
        failures.append(f"commitment: the files hash to {commitment}, the published commitment differs")
    plan = json.loads(plan_text)
    if plan.get("algorithm") != ALGORITHM:
        return [*failures, f"algorithm: this script runs {ALGORITHM}, the plan names {plan.get('algorithm')}"]
    entropy = canonical_randomness(randomness["source"], randomness["value"])
    seed = sm3_hex(f"yiwang-draw-seed/1\n{commitment}\n{entropy}\n".encode())
    if seed != published.get("seed"):
        failures.append(f"seed: the commitment and the randomness give {seed}, the published seed differs")
    targets = [line.split("\t") for line in targets_text.splitlines()]
    officers = [line.split("\t") for line in officers_text.splitlines()]
    result = draw(plan, targets, officers, seed)
    mine = canonical_json({"algorithm": ALGORITHM, "commitment": commitment, "seed": seed, **result})
    if mine != published_text.strip():
        failures.append("result: re-running the draw gives a different list than the published one")
    target_keys = {row[0]: set(filter(None, row[4].split(","))) for row in targets}
    officer_keys = {row[0]: set(filter(None, row[3].split(","))) for row in officers}
    for visit in published.get("visits", []):
        for officer in visit["officers"]:
            if target_keys.get(visit["target"], set()) & officer_keys.get(officer, set()):
                failures.append(f"recusal: officer {officer} is related to {visit['target']}")
        if not visit["unstaffed"] and len(visit["officers"]) < MIN_OFFICERS:
            failures.append(f"officers: {visit['target']} has fewer than {MIN_OFFICERS} officers")
    return failures


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    failures = verify(Path(argv[1]))
    if failures:
        for failure in failures:
            print("FAILED", failure)
        return 1
    print("OK: commitment, seed, result and recusal verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
