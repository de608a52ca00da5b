"""Fault injection into a real ``python -m listkeeper`` child process, for the paths only a bug can reach.

    env = inject_crash(tmp_path, "listkeeper.catalog.validate", "scan_catalog")
    subprocess.run([sys.executable, "-m", "listkeeper", "validate"], env=env)   # raises inside load_catalog

A ``sitecustomize`` module on ``PYTHONPATH`` replaces one function with one that raises :data:`MESSAGE`, before
any command module imports it. Nothing else about the child changes.
"""

from __future__ import annotations

import os
from pathlib import Path

MESSAGE = "injected fault"

_SITECUSTOMIZE = """\
import importlib

def _boom(*args, **kwargs):
    raise RuntimeError({message!r})

setattr(importlib.import_module({module!r}), {name!r}, _boom)
"""


def inject_crash(tmp_path: Path, module: str, name: str) -> dict[str, str]:
    """The environment for a child process whose ``module.name`` raises ``RuntimeError(MESSAGE)``."""
    where = tmp_path / "fault-injection"
    where.mkdir(exist_ok=True)
    (where / "sitecustomize.py").write_text(
        _SITECUSTOMIZE.format(message=MESSAGE, module=module, name=name), encoding="utf-8"
    )
    path = os.pathsep.join(p for p in (str(where), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}
