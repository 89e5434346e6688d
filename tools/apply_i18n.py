#!/usr/bin/env python3
"""Fill the English catalogue from ``tools/i18n_en.json`` after ``makemessages`` has (re)generated it.

Yiwang's msgids are Chinese (docs/decisions/0001-chinese-source-strings.md). ``makemessages`` keeps the
translations already in the ``.po`` file, so this script is only needed for a fresh file or new strings whose
English has been added to the JSON mapping. The mapping is ``{"中文 msgid": "English"}``; for a plural entry
the value is either one string (used for every form) or ``{"one": "...", "other": "..."}``.

What it does to the ``.po`` file (standard library only, no polib):

* fills every entry whose msgstr is empty and whose msgid is in the mapping;
* replaces the guess in a ``#, fuzzy`` entry whose msgid is in the mapping, and drops the fuzzy flag
  (the mapping is an exact match, reviewed by a person);
* leaves translated, non-fuzzy entries alone unless ``--overwrite`` is given;
* completes the header (``Language: en``, no fuzzy flag) so that ``msgfmt`` honours ``Plural-Forms``;
* checks that every translation keeps the msgid's ``%(name)s`` / ``%s`` and ``{name}`` placeholders.

It reports the msgids still untranslated or fuzzy, the mapping keys no longer in the catalogue, and
placeholder mismatches. Exit status: 2 if a mapping entry is unusable (placeholder mismatch, wrong plural
shape), else 1 with ``--check`` if anything is untranslated or fuzzy, else 0.

Usage::

    python tools/apply_i18n.py                      # fill src/yiwang/locale/en/LC_MESSAGES/django.po
    python tools/apply_i18n.py --dry-run --check    # report only; fail if anything is missing
    python tools/apply_i18n.py --po other.po --mapping other.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PO = ROOT / "src" / "yiwang" / "locale" / "en" / "LC_MESSAGES" / "django.po"
DEFAULT_MAPPING = Path(__file__).resolve().parent / "i18n_en.json"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
_PY_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
WRAP = 79  # gettext's default line width, so the next makemessages run changes little


def unquote(token: str) -> str:
    body = token.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a PO string: {token!r}")
    out, i, body = [], 0, body[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def quote(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    return '"' + text.replace("\n", "\\n") + '"'


def render(keyword: str, text: str) -> list[str]:
    """``keyword "text"``, wrapped like gettext: after spaces and after each ``\\n``."""
    single = f"{keyword} {quote(text)}"
    if len(single) <= WRAP and "\n" not in text[:-1]:
        return [single]
    pieces: list[str] = []
    for line in re.split(r"(?<=\n)", text):
        if not line:
            continue
        chunk = ""
        for word in re.split(r"(?<= )", line):
            if chunk and len(quote(chunk + word)) > WRAP:
                pieces.append(chunk)
                chunk = ""
            chunk += word
        if chunk:
            pieces.append(chunk)
    return [f'{keyword} ""'] + [quote(piece) for piece in pieces]


@dataclass
class Entry:
    leading: list[str] = field(default_factory=list)  # comments and blank lines before the entry, verbatim
    flags: list[str] = field(default_factory=list)
    flags_at: int | None = None  # index in ``leading`` where the ``#,`` line stood, to write it back there
    obsolete: bool = False
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 only, unless plural
    raw: list[str] = field(default_factory=list)  # original msgctxt/msgid lines, re-emitted unchanged

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def lines(self) -> list[str]:
        out = list(self.leading)
        if self.flags:
            out.insert(
                len(out) if self.flags_at is None else min(self.flags_at, len(out)), "#, " + ", ".join(self.flags)
            )
        out.extend(self.raw)
        if self.msgid_plural is None:
            out.extend(render("msgstr", self.msgstr.get(0, "")))
        else:
            for index in sorted(self.msgstr):
                out.extend(render(f"msgstr[{index}]", self.msgstr[index]))
        return out


def parse(text: str) -> tuple[list[Entry], list[str]]:
    """Parse a PO file into entries (and any trailing comment lines)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None  # which field a continuation line extends
    started = False  # the current entry has a msgid

    def finish() -> None:
        nonlocal current, started, target
        entries.append(current)
        current, started, target = Entry(), False, None

    for line in text.splitlines():
        stripped = line.strip()
        obsolete = stripped.startswith("#~")
        if obsolete:
            stripped = stripped[2:].strip()
        if not stripped or (stripped.startswith("#") and not obsolete):
            if started:
                finish()
            if stripped.startswith("#,"):
                current.flags = [flag.strip() for flag in stripped[2:].split(",") if flag.strip()]
                current.flags_at = len(current.leading)
            else:
                current.leading.append(line)
            continue
        match = _KEYWORD.match(stripped)
        if match:
            keyword, index, value = match.group(1), match.group(2), unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()  # entries without a blank line between them
            current.obsolete = current.obsolete or obsolete
            if keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", None)
                current.raw.append(line)
            elif keyword == "msgid":
                current.msgid, target, started = value, ("msgid", None), True
                current.raw.append(line)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", None)
                current.raw.append(line)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = value, ("msgstr", slot)
            continue
        if stripped.startswith('"') and target is not None:
            value = unquote(stripped)
            kind, continued = target
            if kind == "msgstr" and continued is not None:
                current.msgstr[continued] += value
            else:
                setattr(current, kind, (getattr(current, kind) or "") + value)
                current.raw.append(line)
            continue
        raise ValueError(f"cannot parse PO line: {line!r}")
    trailing: list[str] = []
    if started:
        finish()
    else:
        trailing = current.leading
    return entries, trailing


def placeholders(text: str) -> tuple[list[str], list[str]]:
    py = sorted(p for p in _PY_PLACEHOLDER.findall(text) if p != "%%")
    brace = sorted(_BRACE_PLACEHOLDER.findall(text))
    return py, brace


def plural_forms(header: str) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(match.group(1)) if match else 2


def fix_header(entry: Entry, language: str, touched: bool) -> None:
    """Complete makemessages' template header; stamp PO-Revision-Date when translations changed."""
    text = entry.msgstr.get(0, "")
    if touched or "PO-Revision-Date: YEAR" in text:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
        text = re.sub(r"^PO-Revision-Date: .*$", f"PO-Revision-Date: {stamp}", text, flags=re.M)
    text = re.sub(
        r"^Last-Translator: FULL NAME <EMAIL@ADDRESS>$", "Last-Translator: Yiwang contributors", text, flags=re.M
    )
    new = re.sub(r"^Language: .*$", f"Language: {language}", text, flags=re.M)
    if "Language:" not in new:
        new += f"Language: {language}\n"
    new = re.sub(r"^Language-Team: LANGUAGE <LL@li.org>$", "Language-Team: English", new, flags=re.M)
    new = re.sub(r"^Project-Id-Version: PACKAGE VERSION$", "Project-Id-Version: Yiwang", new, flags=re.M)
    entry.msgstr[0] = new
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    # makemessages writes the template's placeholder copyright lines; keep the comment but make it true.
    entry.leading = [
        line
        for line in entry.leading
        if line not in ("# SOME DESCRIPTIVE TITLE.", "# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.")
    ]
    entry.leading = [
        "# English translation of Yiwang (msgids are Chinese). Fill with tools/apply_i18n.py."
        if line == "# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER"
        else line.replace("the PACKAGE package", "the Yiwang project")
        for line in entry.leading
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--po", type=Path, default=DEFAULT_PO, help="catalogue to fill (default: %(default)s)")
    parser.add_argument("--mapping", type=Path, default=DEFAULT_MAPPING, help="JSON mapping (default: %(default)s)")
    parser.add_argument("--language", default="en", help="value for the header's Language field")
    parser.add_argument("--overwrite", action="store_true", help="also replace translations that differ")
    parser.add_argument("--dry-run", action="store_true", help="report, do not write the .po file")
    parser.add_argument("--check", action="store_true", help="exit 1 if anything stays untranslated or fuzzy")
    args = parser.parse_args(argv)

    mapping: dict[str, str | dict[str, str]] = json.loads(args.mapping.read_text(encoding="utf-8"))
    text = args.po.read_text(encoding="utf-8")
    entries, trailing = parse(text)
    header = next((e for e in entries if e.is_header), None)
    nplurals = plural_forms(header.msgstr.get(0, "")) if header else 2

    filled, problems, seen = 0, [], set()
    for entry in entries:
        if entry.is_header or entry.obsolete:
            continue
        seen.add(entry.msgid)
        english = mapping.get(entry.msgid)
        if english is None:
            continue
        if entry.msgid_plural is None:
            if isinstance(english, dict):
                problems.append(f"{entry.msgid!r}: mapping has plural forms but the entry is not plural")
                continue
            wanted = {0: english}
        else:
            one, other = (english.get("one"), english.get("other")) if isinstance(english, dict) else (english,) * 2
            if not one or not other:
                problems.append(f"{entry.msgid!r}: plural mapping needs both 'one' and 'other'")
                continue
            # Plural-Forms for English is n != 1: form 0 is singular, every other form plural.
            wanted = {i: (one if i == 0 else other) for i in range(nplurals)}
        mismatched = [
            value
            for index, value in wanted.items()
            if placeholders(value)
            != placeholders(entry.msgid if (entry.msgid_plural is None or index == 0) else entry.msgid_plural)
        ]
        if mismatched:  # not written: msgfmt --check-format would reject it, and Python would raise at runtime
            problems.append(f"{entry.msgid!r}: placeholders differ in {mismatched[0]!r}; not applied")
            continue
        if entry.translated and not entry.fuzzy and not args.overwrite:
            continue
        if entry.msgstr != wanted or entry.fuzzy:
            entry.msgstr = wanted
            if entry.fuzzy:  # drop the flag and msgmerge's "#| previous msgid" lines with it
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                entry.leading = [line for line in entry.leading if not line.startswith("#|")]
            filled += 1

    untranslated = [e for e in entries if not e.is_header and not e.obsolete and not e.translated]
    fuzzy = [e for e in entries if not e.is_header and not e.obsolete and e.translated and e.fuzzy]
    unused = sorted(set(mapping) - seen)

    if not args.dry_run:
        if header is not None:
            fix_header(header, args.language, touched=filled > 0)
        out = [line for entry in entries for line in entry.lines()] + trailing
        args.po.write_text("\n".join(out).rstrip("\n") + "\n", encoding="utf-8")

    total = sum(1 for e in entries if not e.is_header and not e.obsolete)
    action = "would fill" if args.dry_run else "filled"
    print(f"{args.po}: {total} messages, {action} {filled}, {len(untranslated)} untranslated, {len(fuzzy)} fuzzy")
    for entry in untranslated:
        print(f"  untranslated: {entry.msgid}")
    for entry in fuzzy:
        print(f"  fuzzy: {entry.msgid}")
    if unused:
        print(f"{len(unused)} mapping keys not in the catalogue (obsolete, or msgid changed):")
        for key in unused:
            print(f"  unused: {key}")
    for problem in problems:
        print(f"  PROBLEM: {problem}", file=sys.stderr)
    if problems:
        return 2
    if args.check and (untranslated or fuzzy):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
