"""Small catalog files shared by several test modules (each module keeps the ones only it needs)."""

from __future__ import annotations

#: A second family beside the Cog series: a GitHub repo and one Hub checkpoint.
BUNNY = """\
id: bunny
name: Bunny
entries:
  - id: bunny
    name: Bunny
    code:
      - BAAI-DCAI/Bunny
    checkpoints:
      - {hf: BAAI/Bunny-v1_0-3B}
"""
