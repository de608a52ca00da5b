"""arXiv ids as the adapter checks them before sending (one id arXiv rejects fails a whole batch)."""

from __future__ import annotations

from listkeeper.sources.arxiv.common import split_version, valid_id


def test_id_syntax() -> None:
    assert valid_id("2311.03079") and valid_id("2311.03079v12") and valid_id("cs/0701001") and valid_id("1412.0001")
    assert not valid_id("2311.0307") and not valid_id("1501.0001") and not valid_id("2313.03079")
    assert not valid_id("2311.0307") and not valid_id("arXiv:2311.03079") and not valid_id("2311.03079 ")
    assert split_version("2311.03079v2") == ("2311.03079", 2)
    assert split_version("math.GT/0309136v1") == ("math.GT/0309136", 1)
    assert split_version("2311.03079") == ("2311.03079", None)
