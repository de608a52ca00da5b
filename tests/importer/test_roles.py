"""What a section, paragraph or bullet is, from its shape."""

from __future__ import annotations

from listkeeper.importer import roles
from listkeeper.importer.model import BulletList, Inline, Paragraph
from listkeeper.importer.parse import parse


def _inline(text: str) -> Inline:
    (block,) = parse(text).root.blocks
    assert isinstance(block, Paragraph)
    return block.inline


def _bullet(text: str) -> Inline:
    (block,) = parse(text).root.blocks
    assert isinstance(block, BulletList)
    return block.items[0].inline


def test_a_bold_word_alone_labels_the_list_that_follows() -> None:
    assert roles.label(_inline("**Papers**\n")) == "paper"
    assert roles.label(_inline("**Papers** and more\n")) is None
    assert roles.label(_inline("**Unknown**\n")) is None


def test_a_bullet_opening_with_a_label_has_no_name() -> None:
    for text in ("- Paper: [Title](https://arxiv.org/abs/2401.00001)\n", "- **Code**: [x](https://github.com/o/n)\n"):
        inline = _bullet(text)
        assert roles.item_label(inline) in ("paper", "code") and roles.item_name(inline) is None
    assert roles.item_label(_bullet("- 论文: [x](https://arxiv.org/abs/2401.00001)\n")) == "paper"


def test_a_bullet_is_named_by_its_lead_link_bold_opening_or_words_before_its_links() -> None:
    assert roles.item_name(_bullet("- [CogVLM](https://github.com/THUDM/CogVLM) - x\n")) == "CogVLM"
    assert roles.item_name(_bullet("- **Qwen-VL** [code](https://github.com/QwenLM/Qwen-VL)\n")) == "Qwen-VL"
    assert roles.item_name(_bullet("- A Title. [[pdf]](https://arxiv.org/pdf/2401.00001)\n")) == "A Title"
    assert roles.item_name(_bullet("- [link](https://x.example)\n")) is None  # a generic word names nothing


def test_a_section_signature_is_a_link_line_or_labelled_bullets() -> None:
    doc = parse(
        "## A\n\n[x](https://x.example) | [y](https://y.example)\n\n## B\n\n- Code: [c](https://github.com/o/c)\n\n"
        "## C\n\nProse that cites [x](https://x.example) in a sentence.\n"
    )
    a, b, c = doc.root.children
    assert roles.signature(a) and roles.signature(b) and not roles.signature(c)
    assert a.signature is True  # cached on the section


def test_facts_the_summary_and_boilerplate() -> None:
    assert roles.fact(_bullet("- **Params**: 7B\n")) == "params"
    assert roles.fact(_bullet("- **Colour**: red\n")) is None
    doc = parse("[x](https://x.example)\n\nThe model reads images.\n\nMore.\n")
    assert roles.summary(doc.root.blocks) == "The model reads images."
    assert roles.summary(parse("**Papers**\n\nText.\n").root.blocks) is None
    assert roles.BOILERPLATE.match("Table of Contents") and not roles.BOILERPLATE.match("CogVLM")
    assert roles.SERIES_NAME.search("Cog Series") and roles.SERIES_NAME.search("通义系列")


def test_a_bullets_links_and_with_deep_those_of_its_sub_bullets() -> None:
    (block,) = parse("- [a](https://a.example)\n  - [b](https://b.example)\n").root.blocks
    assert isinstance(block, BulletList)
    (item,) = block.items
    assert [ref.url for ref in roles.item_links(item)] == ["https://a.example"]
    assert [ref.url for ref in roles.item_links(item, deep=True)] == ["https://a.example", "https://b.example"]
