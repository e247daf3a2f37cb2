"""Build the HTML book strictly and say what was executed and what came from the cache.

Usage: ``python tools/build_book.py [jupyter-book build flags]`` (``make book`` passes
``-W -n --keep-going``). The build log streams through; at the end a summary lists each chapter
notebook as executed (with seconds), taken from the jupyter-cache, or unchanged (not even re-read),
and the per-notebook times are written to ``_build/execution_times.json``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = re.compile(
    r"(?P<path>\S+\.ipynb): Executed notebook in (?P<seconds>[\d.]+) seconds"
)
CACHED = re.compile(r"(?P<path>\S+\.ipynb): Using cached notebook")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def toc_notebooks() -> list[str]:
    """Chapter notebooks listed in _toc.yml, as paths relative to the project root."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"file:\s*(\S+)", text)
    return [f + ".ipynb" for f in files if (ROOT / (f + ".ipynb")).exists()]


def main(flags: list[str]) -> int:
    start = time.perf_counter()
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        *flags,
        str(ROOT),
    ]
    print("$", " ".join(cmd), flush=True)
    executed: dict[str, float] = {}
    cached: list[str] = []
    with subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            plain = ANSI.sub("", line)
            if m := EXECUTED.search(plain):
                executed[str(Path(m["path"]).resolve().relative_to(ROOT))] = float(
                    m["seconds"]
                )
            elif m := CACHED.search(plain):
                cached.append(str(Path(m["path"]).resolve().relative_to(ROOT)))
    elapsed = time.perf_counter() - start
    notebooks = toc_notebooks()
    unchanged = [nb for nb in notebooks if nb not in executed and nb not in cached]

    print("\nBook build summary")
    for nb in notebooks:
        if nb in executed:
            print(f"  executed   {executed[nb]:7.1f} s  {nb}")
        elif nb in cached:
            print(f"  cache hit             {nb}")
        else:
            print(f"  unchanged             {nb}")
    if not executed:
        print(
            "  Nothing was re-executed: every notebook came from the cache or was unchanged."
        )
    print(
        f"  {len(executed)} executed, {len(cached)} cache hits, {len(unchanged)} unchanged;"
    )
    print(f"  build took {elapsed:.1f} s; exit code {proc.returncode}")
    out = ROOT / "_build" / "execution_times.json"
    if out.parent.exists():
        # Keep the last measured time of notebooks that came from the cache this time.
        try:
            times = json.loads(out.read_text())["executed_seconds"]
        except (OSError, ValueError, KeyError, TypeError):
            times = {}
        times.update(executed)
        out.write_text(
            json.dumps({"executed_seconds": times, "build_seconds": elapsed}, indent=1)
        )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
