"""Source adapters: one per service, each behind :class:`listkeeper.sources.base.Source`.

The registry maps a name to the adapter's ``build(config, env)`` factory. Adapters are imported only when built,
so commands that do not query services never import huggingface_hub, arxiv or githubkit.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence

from listkeeper.config import SourcesConfig
from listkeeper.sources.base import Source

#: name -> "module:factory"; the factory takes (SourcesConfig, env) and returns a Source.
ADAPTERS: dict[str, str] = {
    "hf": "listkeeper.sources.huggingface:build",
    "arxiv": "listkeeper.sources.arxiv:build",
    "github": "listkeeper.sources.github:build",
}


def adapter(name: str, config: SourcesConfig, env: Mapping[str, str]) -> Source:
    """The adapter registered as ``name``, built by its module's factory."""
    module, factory = ADAPTERS[name].split(":")
    source: Source = getattr(importlib.import_module(module), factory)(config, env)
    return source


def adapters(config: SourcesConfig, env: Mapping[str, str], names: Sequence[str] | None = None) -> list[Source]:
    """Every registered adapter (or the named ones), in registry order."""
    return [adapter(name, config, env) for name in ADAPTERS if names is None or name in names]
