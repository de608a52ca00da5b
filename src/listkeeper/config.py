"""Configuration: defaults in code, then ``listkeeper.toml`` or ``[tool.listkeeper]`` in ``pyproject.toml``,
then environment variables, then command-line flags (applied by the CLI with :meth:`Config.with_overrides`).

Every external base URL is configurable so the whole tool can run against local servers:

=========================  ==============================  ===================================
setting                    environment                     default
=========================  ==============================  ===================================
``hf_endpoint``            ``HF_ENDPOINT``                 ``https://huggingface.co``
``github_api_url``         ``GITHUB_API_URL``              ``https://api.github.com``
``arxiv_api_url``          ``LISTKEEPER_ARXIV_API_URL``    ``https://export.arxiv.org/api/query``
``remap``                  (file only)                     ``[]`` (``[[pattern, replacement]]``)
=========================  ==============================  ===================================
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from listkeeper.errors import ConfigError

USER_AGENT_URL = "https://github.com/listkeeper/listkeeper"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HostPolicy(_Section):
    """Per-host overrides for the link checker (keyed by host name, e.g. ``"github.com"``)."""

    max_concurrency: int | None = Field(default=None, ge=1, le=64)
    headers: dict[str, str] = Field(default_factory=dict)
    accept: list[int] = Field(default_factory=list)  # extra status codes that mean "ok" for this host
    use_get: bool = False  # host mishandles HEAD
    min_interval: float | None = Field(default=None, ge=0)  # seconds between request starts


class CheckConfig(_Section):
    max_concurrency: int = Field(default=64, ge=1, le=1024)
    per_host: int = Field(default=4, ge=1, le=64)
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=10.0, gt=0)
    request_timeout: float = Field(default=20.0, gt=0)  # total per attempt
    deadline: float | None = Field(default=None, gt=0)  # whole run, seconds; None: follows the number of links ...
    deadline_per_link: float = Field(default=0.15, gt=0)  # ... this many seconds per URL (at least 300 s) ...
    deadline_max: float = Field(default=3600.0, gt=0)  # ... and at most this
    max_retries: int = Field(default=3, ge=0, le=10)
    max_redirects: int = Field(default=10, ge=0, le=50)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    accept: list[int] = Field(default_factory=list)  # extra "ok" codes everywhere (e.g. 999 is NOT here)
    exclude: list[str] = Field(default_factory=list)  # regexes on the URL
    remap: list[tuple[str, str]] = Field(default_factory=list)  # (regex, replacement), first match wins
    hosts: dict[str, HostPolicy] = Field(default_factory=dict)
    allow_loopback: bool = False
    allow_private: bool = False
    confirm_checks: int = Field(default=2, ge=1, le=20)  # dead only after K consecutive dead results ...
    confirm_hours: float = Field(default=20.0, ge=0)  # ... spanning at least H hours
    ok_ttl_hours: float = Field(default=24.0, ge=0)  # links found ok this recently are not re-checked

    @field_validator("exclude")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for value in values:
            _compile(value)
        return values

    @field_validator("remap")
    @classmethod
    def _remap(cls, values: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for pattern, _ in values:
            _compile(pattern)
        return values


class SourcesConfig(_Section):
    hf_endpoint: str = "https://huggingface.co"
    github_api_url: str = "https://api.github.com"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_delay: float = Field(default=3.0, ge=0)  # arXiv asks for at most one request every 3 s
    arxiv_batch: int = Field(default=200, ge=1, le=2000)
    timeout: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    max_retry_wait: float = Field(default=120.0, ge=0)  # never sleep longer than this for one Retry-After
    ttl_hours: float = Field(default=20.0, ge=0)  # facts fetched this recently are reused


class LimitsConfig(_Section):
    """How much input is read before giving up with a clear error (exit 2) instead of running out of time, memory
    or stack on a hostile or broken file."""

    catalog_file_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)  # one catalog YAML file
    yaml_depth: int = Field(default=32, ge=4, le=900)  # nesting of mappings and lists in a catalog file
    markdown_depth: int = Field(default=20, ge=4, le=200)  # blocks nested in blocks (quotes, lists) in Markdown
    links_per_file: int = Field(default=200_000, ge=1)  # links in one Markdown file


DEFAULT_LIMITS = LimitsConfig()


class UpdateConfig(_Section):
    dead: Literal["mark", "remove"] = "mark"


class MarkdownConfig(_Section):
    """Markdown mode: the list's own Markdown files are edited in place (see :mod:`listkeeper.mdlist`)."""

    files: list[str] = Field(default_factory=list)  # paths or globs (in the file name) from the project root
    dead: Literal["mark", "comment", "remove"] = "mark"
    mark: str = "~~{link}~~ (dead since {date})"  # {link} the link as written, {date}, {url}
    comment: str = "<!-- listkeeper: dead since {date} -->"

    @field_validator("files")
    @classmethod
    def _relative(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip() or value.startswith("/") or ".." in Path(value).parts:
                raise ValueError(f"{value!r} must be a path inside the repository, relative to its root")
            if any(char in str(Path(value).parent) for char in "*?["):
                raise ValueError(f"{value!r}: a glob may only be in the file name (e.g. 'papers/*.md')")
        return values

    @field_validator("mark")
    @classmethod
    def _has_link(cls, value: str) -> str:
        if "{link}" not in value:
            raise ValueError("must contain {link}")
        return value


class PrConfig(_Section):
    repo: str | None = None  # owner/name; default from GITHUB_REPOSITORY
    base: str = "main"
    branch: str = "listkeeper/update"
    labels: list[str] = Field(default_factory=lambda: ["listkeeper"])
    title: str = "listkeeper: update the catalog"
    email: str = "listkeeper@users.noreply.github.com"  # the bot's commit identity is "listkeeper <email>"
    write_interval: float = Field(default=1.0, ge=0)  # seconds between mutating GitHub requests (GitHub: ≥ 1 s)


class HistoryConfig(_Section):
    retention_days: float = Field(default=90.0, gt=0)  # runs and verdict changes kept in the state store


class DashboardConfig(_Section):
    title: str = "listkeeper: list health dashboard"
    label: str = "listkeeper-dashboard"  # the issue is found by this label and a hidden marker in its body


class JobConfig(_Section):
    """One scheduled job: a listkeeper command line, on a cron expression (or every N seconds)."""

    args: list[str] = Field(min_length=1)  # e.g. ["check", "--only", "links"]
    cron: str | None = None  # five fields, minute hour day month weekday
    interval: float | None = Field(default=None, gt=0)  # seconds; for tests and unusual setups

    @field_validator("args")
    @classmethod
    def _known_command(cls, args: list[str]) -> list[str]:
        if args[0] not in SCHEDULABLE:
            raise ValueError(f"{args[0]!r} cannot be scheduled (choose from {', '.join(sorted(SCHEDULABLE))})")
        return args

    @model_validator(mode="after")
    def _one_trigger(self) -> JobConfig:
        if (self.cron is None) == (self.interval is None):
            raise ValueError("a job needs exactly one of 'cron' or 'interval'")
        if self.cron is not None and len(self.cron.split()) != 5:
            raise ValueError(f"cron {self.cron!r} must have five fields (minute hour day month weekday)")
        return self


SCHEDULABLE = frozenset({"check", "update", "sync", "pr", "render", "validate"})


class ScheduleConfig(_Section):
    jobstore: Path = Path(".listkeeper/jobs.sqlite")
    log: Path = Path(".listkeeper/schedule.log")
    misfire_grace_hours: float = Field(default=6.0, gt=0)  # a run missed by less than this still runs
    timezone: str = "UTC"
    jobs: dict[str, JobConfig] = Field(
        default_factory=lambda: {
            "links": JobConfig(args=["check", "--only", "links"], cron="0 2 * * *"),
            "sources": JobConfig(args=["check", "--only", "sources"], cron="30 2 * * *"),
            "pr": JobConfig(args=["sync", "--pr"], cron="0 4 * * *"),
        }
    )


class Config(_Section):
    root: Path = Path(".")
    catalog_dir: Path = Path("catalog")
    output: Path = Path("catalog/README.md")
    state_path: Path = Path(".listkeeper/state.sqlite")
    check: CheckConfig = Field(default_factory=CheckConfig)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    update: UpdateConfig = Field(default_factory=UpdateConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    pr: PrConfig = Field(default_factory=PrConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    markdown: MarkdownConfig = Field(default_factory=MarkdownConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)

    def path(self, p: Path) -> Path:
        """Resolve a configured path against the project root."""
        return p if p.is_absolute() else self.root / p

    def with_overrides(self, **values: Any) -> Config:
        """A copy with top-level or dotted (``"check.per_host"``) values replaced; ``None`` values are ignored."""
        data = self.model_dump()
        for key, value in values.items():
            if value is None:
                continue
            if isinstance(value, Path) and not value.is_absolute():
                # A path typed on the command line is relative to where it was typed; config.path() joins it to
                # the project root, so store it relative to the root.
                value = Path(os.path.relpath(value, self.root))
            *parents, leaf = key.split(".")
            target = data
            for parent in parents:
                target = target[parent]
            target[leaf] = value
        return _validate(data, "command line")


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc


def _validate(data: Mapping[str, Any], origin: str) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        lines = [f"{origin}: invalid configuration"]
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            lines.append(f"  {loc}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from None


def _read_file(root: Path) -> tuple[dict[str, Any], str | None]:
    dedicated = root / "listkeeper.toml"
    if dedicated.is_file():
        return _parse_toml(dedicated), str(dedicated)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _parse_toml(pyproject).get("tool", {}).get("listkeeper")
        if table is not None:
            return table, f"{pyproject} [tool.listkeeper]"
    return {}, None


def _parse_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


_ENV = {
    "HF_ENDPOINT": ("sources", "hf_endpoint"),
    "GITHUB_API_URL": ("sources", "github_api_url"),
    "LISTKEEPER_ARXIV_API_URL": ("sources", "arxiv_api_url"),
    "LISTKEEPER_STATE": (None, "state_path"),
}


def find_root(start: Path) -> Path:
    """The project root: the nearest directory at or above ``start`` that holds ``listkeeper.toml``, a
    ``pyproject.toml`` with ``[tool.listkeeper]``, or ``.git`` (so commands work from any subfolder, as git's do);
    ``start`` itself when there is none."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / "listkeeper.toml").is_file():
            return directory
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "listkeeper" in _parse_toml(pyproject).get("tool", {}):
            return directory
        if (directory / ".git").exists():
            return directory
    return start


def load(root: Path | str = ".", config_file: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Load the layered configuration for the project at ``root`` (``"."``: the project around the current
    directory, see :func:`find_root`)."""
    if str(root) == "." and config_file is None:
        # Relative to the current directory, so messages and report locations stay short and relative
        # ("catalog/x.yaml", or "../catalog/x.yaml" from a subfolder), as GitHub annotations need.
        root = Path(os.path.relpath(find_root(Path.cwd()), Path.cwd()))
    root = Path(root)
    env = os.environ if env is None else env
    if config_file is not None:
        origin: str | None
        data, origin = _parse_toml(config_file), str(config_file)
        data = data.get("tool", {}).get("listkeeper", data) if config_file.name == "pyproject.toml" else data
    else:
        data, origin = _read_file(root)
    data = dict(data)
    for var, (section, key) in _ENV.items():
        value = env.get(var)
        if not value:
            continue
        if section is None:
            data[key] = value
        else:
            data[section] = {**data.get(section, {}), key: value}
    data["root"] = str(root)
    return _validate(data, origin or "environment")
