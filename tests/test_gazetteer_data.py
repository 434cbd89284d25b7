"""The shipped gazetteer passes its own checker (ids, types, relations,
alias collisions under the spelling-insensitive key, ambiguous aliases)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gazetteer_passes_the_checker():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_gazetteer.py")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OK")
