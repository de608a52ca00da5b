"""``check.remap``: the URL requested for a public one, and the public form of a requested one."""

from __future__ import annotations

from listkeeper.links.remap import Remapper


def test_remapper_inverts_only_simple_prefix_rules() -> None:
    rules = [
        (r"^https://docs\.example/", "http://127.0.0.1:8001/"),
        (r"^https://api.example/v1/", "http://127.0.0.1:8002/"),  # an unescaped dot is accepted as a literal dot
        (r"^https://(\w+)\.cdn\.example/", r"http://127.0.0.1:8003/\1/"),  # groups: not invertible
    ]
    remap = Remapper(rules)
    assert remap.forward("https://docs.example/a?b=1") == "http://127.0.0.1:8001/a?b=1"
    assert remap.forward("https://img.cdn.example/x.png") == "http://127.0.0.1:8003/img/x.png"
    assert remap.forward("https://unrelated.example/") == "https://unrelated.example/"
    assert remap.public("http://127.0.0.1:8001/a") == "https://docs.example/a"
    assert remap.public("http://127.0.0.1:8002/users") == "https://api.example/v1/users"
    assert remap.public("http://127.0.0.1:8003/img/x.png") == "http://127.0.0.1:8003/img/x.png"


def test_the_first_matching_rule_wins_and_covers_says_which_urls_are_remapped() -> None:
    remap = Remapper(
        [(r"^https://a\.example/x/", "http://127.0.0.1:1/x/"), (r"^https://a\.example/", "http://127.0.0.1:2/")]
    )
    assert remap.forward("https://a.example/x/1") == "http://127.0.0.1:1/x/1"
    assert remap.forward("https://a.example/y") == "http://127.0.0.1:2/y"
    assert remap.covers("https://a.example/y") and not remap.covers("https://b.example/")
    assert remap.public("http://127.0.0.1:2/y") == "https://a.example/y"
    assert Remapper([]).forward("https://a.example/") == "https://a.example/"


def test_a_rule_with_a_class_or_an_escape_sequence_is_not_inverted() -> None:
    remap = Remapper(
        [(r"^https://[ab]\.example/", "http://127.0.0.1:1/"), (r"^https://c\.example/\d+", "http://127.0.0.1:2/")]
    )
    assert remap.forward("https://a.example/p") == "http://127.0.0.1:1/p"
    assert remap.public("http://127.0.0.1:1/p") == "http://127.0.0.1:1/p"  # which host it was is not known
    assert remap.public("http://127.0.0.1:2/") == "http://127.0.0.1:2/"
