"""bench/cold.py runs (on a small index): its figures and its breakdown add up."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("rg") is None, reason="needs rg (apt-get install ripgrep)")
def test_cold_bench_on_a_small_index(tmp_path, seeds_dir):
    from wartui import Library

    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])
    txt = tmp_path / "txt"
    shutil.copytree(seeds_dir, txt)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cold.py"), "--index-dir", str(tmp_path / "index"),
         "--txt-dir", str(txt), "--queries", "Taqsis,Manbij", "--runs", "1", "--breakdown",
         "--before", str(ROOT / "src"), "--out", str(tmp_path / "cold.json")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["corpora"]["index"]
    assert set(figures["median_ms"]) == {"rg", "wartui", "wartui_json", "before", "before_json"}
    assert all(ms > 0 for ms in figures["median_ms"].values())
    for name, phases in figures["breakdown_ms"].items():
        assert {"interpreter", "imports", "open", "rank", "collapse", "print"} <= set(phases)
        parts = sum(ms for phase, ms in phases.items() if phase != "wall")
        assert abs(parts - phases["wall"]) <= 0.05 * phases["wall"] + 1, (name, phases)
