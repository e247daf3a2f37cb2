"""helpers.cache: keys, location, atomic writes, and untrusted files recomputed with a warning."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import helpers
from helpers import cache

CONFIG = {"model": {"block": "resnext", "cardinality": 4}, "epochs": 2, "seed": 0}


@pytest.fixture
def cache_dir(tmp_path):
    previous = cache.set_cache_dir(tmp_path / "runs")
    yield tmp_path / "runs"
    cache.set_cache_dir(previous)


class Counter:
    """A compute function that counts its calls and returns a distinct run each time."""

    def __init__(self):
        self.calls = 0

    def __call__(self, config):
        self.calls += 1
        return {
            "config": config,
            "history": {"val_accuracy": [0.5, 0.5 + 0.1 * self.calls]},
            "test_accuracy": 0.1 * self.calls,
            "params": 123,
        }


def test_key_is_sha256_of_canonical_config_and_version():
    payload = {"config": CONFIG, "helpers_version": helpers.__version__}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    assert cache.run_key(CONFIG) == hashlib.sha256(text.encode()).hexdigest()
    reordered = dict(reversed(list(CONFIG.items())))
    assert cache.run_key(reordered) == cache.run_key(CONFIG)
    assert cache.run_key({**CONFIG, "seed": 1}) != cache.run_key(CONFIG)
    assert cache.run_key(CONFIG, version="0.0.0") != cache.run_key(CONFIG)


def test_a_run_is_computed_once_then_read_back(cache_dir):
    compute = Counter()
    first = cache.cached(CONFIG, compute)
    second = cache.cached(CONFIG, compute)
    assert compute.calls == 1
    assert second == first
    assert second["key"] == cache.run_key(CONFIG)
    assert second["helpers_version"] == helpers.__version__
    path = cache_dir / f"{second['key']}.json"
    assert json.loads(path.read_text()) == first  # plain JSON on disk
    assert cache.cached(CONFIG, compute, use_cache=False)[
        "test_accuracy"
    ] == pytest.approx(0.2)
    assert compute.calls == 2


def _damage_truncated(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def _damage_key(path: Path) -> None:
    run = json.loads(path.read_text())
    run["key"] = "0" * 64
    path.write_text(json.dumps(run))


def _damage_version(path: Path) -> None:
    run = json.loads(path.read_text())
    run["helpers_version"] = "0.0.1"
    path.write_text(json.dumps(run))


def _damage_config(path: Path) -> None:
    run = json.loads(path.read_text())
    run["config"]["seed"] = 99
    path.write_text(json.dumps(run))


def _damage_missing_field(path: Path) -> None:
    run = json.loads(path.read_text())
    del run["history"]
    path.write_text(json.dumps(run))


def _damage_not_a_dict(path: Path) -> None:
    path.write_text("[1, 2, 3]")


def _damage_empty(path: Path) -> None:
    path.write_text("")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_damage_truncated, "not valid JSON"),
        (_damage_empty, "not valid JSON"),
        (_damage_key, "key"),
        (_damage_version, "0.0.1"),
        (_damage_config, "different config"),
        (_damage_missing_field, "history"),
        (_damage_not_a_dict, "not a run"),
    ],
)
def test_an_untrusted_file_is_recomputed_with_a_warning(cache_dir, damage, reason):
    compute = Counter()
    cache.cached(CONFIG, compute)
    path = cache.path_for(CONFIG)
    damage(path)
    with pytest.warns(cache.CacheWarning, match=reason):
        run = cache.cached(CONFIG, compute)
    assert compute.calls == 2
    assert run["test_accuracy"] == pytest.approx(
        0.2
    )  # the new result, not the damaged one
    # The file was replaced by the recomputed run, which is now read back without a warning.
    assert json.loads(path.read_text())["test_accuracy"] == pytest.approx(0.2)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.cached(CONFIG, compute)["test_accuracy"] == pytest.approx(0.2)
    assert compute.calls == 2


def test_writes_go_through_a_temporary_file_in_the_same_folder(cache_dir, monkeypatch):
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((Path(src), Path(dst)))
        # At this moment the target does not exist yet: readers never see a partial file.
        assert not Path(dst).exists()
        assert json.loads(Path(src).read_text())["params"] == 123
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    cache.cached(CONFIG, Counter())
    [(src, dst)] = replaced
    assert src.parent == dst.parent == cache_dir
    assert src != dst and dst == cache.path_for(CONFIG)


def test_a_failed_write_leaves_the_previous_file_and_no_debris(cache_dir, monkeypatch):
    compute = Counter()
    cache.cached(CONFIG, compute)
    before = cache.path_for(CONFIG).read_text()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        cache.cached(CONFIG, compute, use_cache=False)
    assert cache.path_for(CONFIG).read_text() == before
    assert sorted(p.name for p in cache_dir.iterdir()) == [cache.path_for(CONFIG).name]


def test_runs_with_non_finite_numbers_are_refused(cache_dir):
    def compute(config):
        return {
            "config": config,
            "history": {"loss": [float("nan")]},
            "test_accuracy": 0.1,
            "params": 1,
        }

    with pytest.raises(ValueError):
        cache.cached(CONFIG, compute)
    assert not cache.path_for(CONFIG).exists()


def test_location_order_override_env_project_home(tmp_path, monkeypatch):
    previous = cache.set_cache_dir(None)
    try:
        project = tmp_path / "book"
        (project / "chapters" / "deep").mkdir(parents=True)
        (project / "pyproject.toml").write_text(f"[project]\n{cache.PROJECT_MARKER}\n")
        (project / "chapters" / "_config.yml").write_text("title: another book\n")
        monkeypatch.chdir(project / "chapters" / "deep")
        monkeypatch.delenv(cache.CACHE_ENV_VAR, raising=False)
        assert cache.cache_dir() == project.resolve() / ".cache" / "runs"

        monkeypatch.setenv(cache.CACHE_ENV_VAR, str(tmp_path / "env"))
        assert cache.cache_dir() == tmp_path / "env"

        cache.set_cache_dir(tmp_path / "explicit")
        assert cache.cache_dir() == tmp_path / "explicit"
        assert cache.set_cache_dir(None) == tmp_path / "explicit"
        assert cache.cache_dir() == tmp_path / "env"

        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
        monkeypatch.delenv(cache.CACHE_ENV_VAR)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert (
            cache.cache_dir() == tmp_path / "home" / ".cache" / "resnext-book" / "runs"
        )
    finally:
        cache.set_cache_dir(previous)


def test_clear_removes_cached_runs(cache_dir):
    cache.cached(CONFIG, Counter())
    cache.cached({**CONFIG, "seed": 1}, Counter())
    assert cache.clear() == 2
    assert list(cache_dir.glob("*.json")) == []


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="config"):
        cache.run_key(["not", "a", "dict"])
    with pytest.raises(ValueError, match="path"):
        cache.set_cache_dir("  ")
    with pytest.raises(ValueError, match="config"):
        cache.store({"history": {}})
