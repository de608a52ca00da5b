from __future__ import annotations

import pytest

from listkeeper.importer.repair import REPLACEMENT, NotUtf8, repair_bytes, repair_text

_UNDEFINED = bytes([0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E])


def damage(text: str) -> str:
    """The exact damage of the seed: UTF-8 read as cp1254 (undefined bytes lost), written back as UTF-8."""
    raw = text.encode("utf-8")
    kept = bytes(b for b in raw if b not in _UNDEFINED)
    return kept.decode("cp1254")


ORIGINAL = (
    "# 模型列表 ✨\n"  # 模 and 列 survive; 型 (E5 9E 8B) loses 0x9E
    "CogVLM 是一个开源视觉语言模型。\n"
    "Plain ASCII line with a [link](https://arxiv.org/abs/2311.03079).\n"
    "文本和图，视觉语言\n"  # no undefined byte in any of these characters
)


def test_damage_helper_really_damages() -> None:
    damaged = damage(ORIGINAL)
    assert damaged != ORIGINAL
    assert "æ" in damaged  # mojibake, as in the seed


def test_repair_recovers_clean_runs_and_reports_lost_bytes() -> None:
    result = repair_text(damage(ORIGINAL))
    report = result.report
    lines = result.text.splitlines()
    assert report.damaged
    assert lines[2] == ORIGINAL.splitlines()[2]  # ASCII untouched
    assert lines[3] == "文本和图，视觉语言"  # fully recovered
    assert "✨" in lines[0] and "模" in lines[0] and REPLACEMENT in lines[0]
    assert [d.line for d in report.damaged_lines] == [n for n, line in enumerate(lines, 1) if REPLACEMENT in line]
    assert 4 in report.repaired_lines and 3 not in report.repaired_lines
    assert all(REPLACEMENT in d.excerpt for d in report.damaged_lines)
    assert result.text.count("\n") == ORIGINAL.count("\n")  # line numbers stay valid
    assert "stay damaged: " + ", ".join(str(d.line) for d in report.damaged_lines) in report.summary()


def test_every_character_without_undefined_bytes_comes_back() -> None:
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000))
    survivors = [ch for ch in text if not set(ch.encode("utf-8")) & set(_UNDEFINED)]
    repaired = repair_text(damage(text) + "\n").text
    assert [ch for ch in repaired if ch != REPLACEMENT and ch != "\n"] == survivors


@pytest.mark.parametrize(
    "text",
    [
        "# Plain list\n- [LLaVA](https://github.com/haotian-liu/LLaVA)\n",
        "Café, naïve résumé, Zürich, İstanbul güzel.\n",
        "中文说明：视觉语言模型 🚀 and emoji 🌍✨\n",
        "Quotes “like this” and – dashes — and € signs.\n",
    ],
)
def test_undamaged_text_passes_through_unchanged(text: str) -> None:
    result = repair_text(text)
    assert result.text == text
    assert not result.report.damaged
    assert result.report.damaged_lines == () and result.report.repaired_lines == ()
    assert result.report.summary() == "encoding: no damage found"


def test_repair_bytes_drops_bom_and_rejects_non_utf8() -> None:
    assert repair_bytes("\ufeff# Title\n".encode()).text == "# Title\n"
    with pytest.raises(NotUtf8) as info:
        repair_bytes(b"line one\nline two \xff\xfe\n")
    assert info.value.line == 2
