"""What a check run reads before any request: the catalog (or an empty one for a bare Markdown list) and the
Markdown files, each read once. Bad input is a :class:`UsageError` naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.catalog.model import Catalog
from listkeeper.config import LimitsConfig
from listkeeper.errors import UsageError


@dataclass(frozen=True)
class MarkdownDoc:
    """One Markdown file as read for a run: its name in findings, its text, and whether its links are checked."""

    file: str
    text: str
    check_links: bool = True


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a Markdown file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_documents(files: Sequence[Path], rendered: Path | None = None) -> list[MarkdownDoc]:
    """The Markdown files given (links and badges checked), plus the rendered list when it exists and is not among
    them (badges only). Bad input is a :class:`UsageError` naming the file, raised before any request."""
    docs = [MarkdownDoc(path.as_posix(), _read(path)) for path in files]
    given = {path.resolve() for path in files}
    if rendered is not None and rendered.is_file() and rendered.resolve() not in given:
        docs.append(MarkdownDoc(rendered.as_posix(), _read(rendered), check_links=False))
    return docs


def load_catalog_or_empty(
    catalog_dir: Path, files: Sequence[Path], limits: LimitsConfig | None = None
) -> LoadedCatalog:
    """The catalog; or, when there is no catalog directory at all but Markdown files were given, an empty one, so
    ``listkeeper check README.md`` works on any list. A catalog that exists but is invalid is always an error."""
    if not catalog_dir.exists() and files:
        return LoadedCatalog(catalog_dir, Catalog(families={}), {})
    return load_catalog(catalog_dir, limits=limits or LimitsConfig())
