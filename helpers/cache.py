"""A JSON cache of finished training runs, so that chapters re-run in seconds.

A run (see :func:`helpers.training.train`) is stored as ``<key>.json`` where ``key`` is the
sha256 of the canonical JSON of its config together with ``helpers.__version__``: a changed
config or a new helpers version never reads an old result. Files are written atomically (a
temporary file in the same folder, then ``os.replace``), so a crash leaves either the old file
or the new one, never half of one. A file that cannot be trusted (not JSON, truncated, fields
missing, or key, config or version not matching) is ignored with a warning and the run is
recomputed; it is never used silently. Nothing is ever unpickled.

Where the files go (first match wins):

1. the folder given to :func:`set_cache_dir`;
2. the environment variable ``RESNEXT_CACHE_DIR``;
3. ``<project root>/.cache/runs``, the project root being the first folder, walking up from the
   current directory, whose ``pyproject.toml`` names this package (the book's repository);
4. ``~/.cache/resnext-book/runs``.

Examples
--------
>>> import tempfile
>>> from helpers import cache
>>> previous = cache.set_cache_dir(tempfile.mkdtemp())
>>> calls = []
>>> def compute(config):
...     calls.append(1)
...     return {"config": config, "history": {}, "test_accuracy": 1.0, "params": 1}
>>> run = cache.cached({"answer": 42}, compute)
>>> run = cache.cached({"answer": 42}, compute)  # second time: read from disk
>>> len(calls), run["key"] == cache.run_key({"answer": 42})
(1, True)
>>> cache.set_cache_dir(previous) and None
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import helpers

__all__ = [
    "CACHE_ENV_VAR",
    "REQUIRED_FIELDS",
    "CacheWarning",
    "cache_dir",
    "cached",
    "canonical_json",
    "clear",
    "load",
    "path_for",
    "run_key",
    "set_cache_dir",
    "store",
]

CACHE_ENV_VAR = "RESNEXT_CACHE_DIR"
REQUIRED_FIELDS = (
    "config",
    "history",
    "test_accuracy",
    "params",
    "helpers_version",
    "key",
)

_override: Path | None = None


class CacheWarning(UserWarning):
    """A cached file was ignored (corrupt, partial or mismatched); the run is recomputed."""


# --------------------------------------------------------------------------------------------
# Location
# --------------------------------------------------------------------------------------------


#: What marks the book's repository: its pyproject.toml names the package.
PROJECT_MARKER = 'name = "resnext-book-helpers"'


def _project_root(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and PROJECT_MARKER in pyproject.read_text(
            errors="replace"
        ):
            return folder
    return None


def cache_dir() -> Path:
    """The folder the cache reads and writes (see the module docstring for the order).

    Examples
    --------
    >>> isinstance(cache_dir(), Path)
    True
    """
    if _override is not None:
        return _override
    env = os.environ.get(CACHE_ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    root = _project_root()
    if root is not None:
        return root / ".cache" / "runs"
    return Path.home() / ".cache" / "resnext-book" / "runs"


def set_cache_dir(path: str | os.PathLike[str] | None) -> Path | None:
    """Use ``path`` for the cache from now on (``None``: back to the default order).

    Returns the previous override (``None`` if there was none), so it can be restored.
    """
    global _override
    previous = _override
    if path is None:
        _override = None
    else:
        if str(path).strip() == "":
            raise ValueError(f"path must be a folder or None, got {path!r}")
        _override = Path(path).expanduser()
    return previous


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: equal configs give equal strings.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [1, 2.5]})
    '{"a":[1,2.5],"b":1}'
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def run_key(config: dict[str, Any], version: str | None = None) -> str:
    """sha256 (hex) of the canonical JSON of ``config`` and the helpers version.

    Examples
    --------
    >>> len(run_key({"epochs": 3}))
    64
    >>> run_key({"epochs": 3}) == run_key({"epochs": 4})
    False
    """
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    payload = {"config": config, "helpers_version": version or helpers.__version__}
    return hashlib.sha256(canonical_json(payload).encode("ascii")).hexdigest()


def path_for(config: dict[str, Any]) -> Path:
    """The file a run with this config is stored in."""
    return cache_dir() / f"{run_key(config)}.json"


# --------------------------------------------------------------------------------------------
# Read, write
# --------------------------------------------------------------------------------------------


def _problem(run: Any, config: dict[str, Any], key: str) -> str | None:
    """Why this decoded file cannot be used for ``config``, or None when it can."""
    if not isinstance(run, dict):
        return f"holds a {type(run).__name__}, not a run"
    missing = [f for f in REQUIRED_FIELDS if f not in run]
    if missing:
        return f"lacks the field(s) {', '.join(missing)}"
    if run["helpers_version"] != helpers.__version__:
        return f"was written by helpers {run['helpers_version']!r}, not {helpers.__version__!r}"
    if run["key"] != key:
        return "has a key that does not match its file name"
    try:
        same = canonical_json(run["config"]) == canonical_json(config)
    except (TypeError, ValueError):
        same = False
    if not same:
        return "holds a run of a different config"
    if not isinstance(run["history"], dict):
        return "has a history that is not a dict"
    return None


def load(config: dict[str, Any]) -> dict[str, Any] | None:
    """The cached run for ``config``, or None when there is none or it cannot be trusted.

    An unusable file triggers a :class:`CacheWarning` naming it and the reason.
    """
    key = run_key(config)
    path = cache_dir() / f"{key}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as err:
        warnings.warn(
            f"cannot read cached run {path} ({err}); recomputing", CacheWarning, 2
        )
        return None
    try:
        run = json.loads(text)
    except ValueError as err:
        warnings.warn(
            f"cached run {path} is not valid JSON ({err}); ignoring it and recomputing",
            CacheWarning,
            stacklevel=2,
        )
        return None
    problem = _problem(run, config, key)
    if problem is not None:
        warnings.warn(
            f"cached run {path} {problem}; ignoring it and recomputing",
            CacheWarning,
            stacklevel=2,
        )
        return None
    return run


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; cached runs are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def store(run: dict[str, Any]) -> Path:
    """Write ``run`` (a dict with at least ``config``) atomically; return the file's path.

    Sets ``run["key"]`` and ``run["helpers_version"]``.
    """
    if not isinstance(run, dict) or not isinstance(run.get("config"), dict):
        raise ValueError("run must be a dict with a 'config' dict")
    run["helpers_version"] = helpers.__version__
    run["key"] = run_key(run["config"])
    missing = [f for f in REQUIRED_FIELDS if f not in run]
    if missing:
        raise ValueError(f"run lacks the field(s) {', '.join(missing)}")
    text = json.dumps(run, sort_keys=True, indent=1, allow_nan=False)
    path = cache_dir() / f"{run['key']}.json"
    write_atomic(path, text + "\n")
    return path


def cached(
    config: dict[str, Any],
    compute: Callable[[dict[str, Any]], dict[str, Any]],
    use_cache: bool = True,
) -> dict[str, Any]:
    """Return the cached run for ``config``, or ``compute(config)`` stored in the cache.

    With ``use_cache=False`` the run is computed and stored, whatever the cache holds.
    """
    if use_cache:
        run = load(config)
        if run is not None:
            return run
    run = compute(config)
    run["config"] = config
    store(run)
    return run


def clear() -> int:
    """Delete every cached run in :func:`cache_dir`; return how many files went."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    count = 0
    for path in folder.glob("*.json"):
        path.unlink()
        count += 1
    return count
