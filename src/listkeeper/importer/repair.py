"""Detect and repair one kind of encoding damage: UTF-8 text that was decoded as Windows-1254 and re-encoded.

Every multi-byte UTF-8 character then shows up as a run of cp1254 characters ("æ¨¡å" instead of "模"). Bytes that
cp1254 does not define (0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E) were dropped on the way, so some characters
cannot come back. ASCII is untouched by the damage, so URLs and Markdown syntax survive, and the repair works run
by run on the non-ASCII stretches of each line: encode the run back to cp1254, decode it as UTF-8. A run that
decodes cleanly is repaired; bytes that no longer form a character become U+FFFD and the line is reported as
still damaged. Newlines are never touched, so line numbers stay valid for every later message.

Detection is per line, not a guess per run nor a vote over the whole file: plain UTF-8 text such as "café" also
consists of cp1254 characters, but re-encoding "é" gives a lone byte that is not UTF-8. A line is damaged when most
of its runs re-encode into real multi-byte UTF-8 characters (or into the start of one whose rest was lost); only
damaged lines are repaired, so a file damaged in its first half is repaired there and left as written elsewhere.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# The characters that cp1254 maps its upper half (0x80-0xFF) to; a damaged run consists only of these.
_CP1254_HIGH = bytes(range(0x80, 0x100)).decode("cp1254", errors="ignore")
_RUN = re.compile("[" + re.escape(_CP1254_HIGH) + "]+")
REPLACEMENT = "\ufffd"
_EXCERPT = 60


@dataclass(frozen=True)
class DamagedLine:
    """A line that still holds lost bytes after the repair, with a short excerpt around the first loss."""

    line: int
    excerpt: str


@dataclass(frozen=True)
class RepairReport:
    damaged: bool  # the input showed cp1254 mojibake at all
    repaired_lines: tuple[int, ...]  # lines changed and fully recovered
    damaged_lines: tuple[DamagedLine, ...]  # lines that keep U+FFFD where bytes were lost

    def summary(self) -> str:
        if not self.damaged:
            return "encoding: no damage found"
        numbers = ", ".join(str(d.line) for d in self.damaged_lines)
        n, m = len(self.repaired_lines), len(self.damaged_lines)
        tail = f"; {m} line{'s' if m != 1 else ''} stay damaged: {numbers}" if m else "; no line stays damaged"
        return f"encoding: repaired {n} line{'s' if n != 1 else ''} (UTF-8 read as Windows-1254){tail}"


@dataclass(frozen=True)
class Repaired:
    text: str
    report: RepairReport


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    fixed: str
    multibyte: int  # characters of two or more UTF-8 bytes recovered from the run
    lost: int  # U+FFFD inserted for bytes that no longer form a character
    broken: bool  # the bytes open a UTF-8 sequence (lead byte + continuation) that lost its end

    @property
    def evidence(self) -> bool:
        return self.multibyte > 0 or self.broken


def _analyse(match: re.Match[str]) -> _Run:
    raw = match.group().encode("cp1254")
    fixed = raw.decode("utf-8", errors="replace")
    multibyte = sum(1 for ch in fixed if ord(ch) > 0x7F and ch != REPLACEMENT)
    broken = any(0xC2 <= a <= 0xF4 and 0x80 <= b <= 0xBF for a, b in itertools.pairwise(raw))
    return _Run(match.start(), match.end(), fixed, multibyte, fixed.count(REPLACEMENT), broken)


def _excerpt(line: str) -> str:
    text = line.strip()
    at = text.find(REPLACEMENT)
    start = max(0, at - _EXCERPT // 3)
    piece = text[start : start + _EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + _EXCERPT < len(text) else "")


def looks_damaged(runs: list[_Run]) -> bool:
    """Mojibake evidence in one line: runs that re-encode into (the start of) real multi-byte characters, for most
    of its non-ASCII runs.

    Plain UTF-8 text yields runs like "é" (one byte, not UTF-8) or none at all (CJK and emoji are not cp1254
    characters), so it never passes this test.
    """
    evidence = sum(1 for run in runs if run.evidence)
    return evidence > 0 and evidence * 2 >= len(runs)


def repair_text(text: str) -> Repaired:
    """Repair ``text`` if it shows the damage; otherwise return it unchanged with an empty report."""
    lines = text.splitlines(keepends=True)
    per_line = [[_analyse(m) for m in _RUN.finditer(line)] for line in lines]
    if not any(looks_damaged(runs) for runs in per_line):
        return Repaired(text, RepairReport(False, (), ()))
    out: list[str] = []
    repaired: list[int] = []
    damaged: list[DamagedLine] = []
    for number, (line, runs) in enumerate(zip(lines, per_line, strict=True), start=1):
        if not looks_damaged(runs):
            out.append(line)  # clean (or not telling): left exactly as written
            continue
        pieces, pos = [], 0
        for run in runs:
            pieces += [line[pos : run.start], run.fixed]
            pos = run.end
        new = "".join(pieces) + line[pos:]
        out.append(new)
        if any(run.lost for run in runs):
            damaged.append(DamagedLine(number, _excerpt(new)))
        elif new != line:
            repaired.append(number)
    return Repaired("".join(out), RepairReport(True, tuple(repaired), tuple(damaged)))


class NotUtf8(ValueError):
    """The input bytes are not UTF-8 at all (the damage this module repairs always leaves valid UTF-8)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}: not valid UTF-8")
        self.line = line


def repair_bytes(data: bytes) -> Repaired:
    """Decode UTF-8 (a BOM is dropped) and repair; raises :class:`NotUtf8` naming the first bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8(data[: exc.start].count(b"\n") + 1) from None
    return repair_text(text)
