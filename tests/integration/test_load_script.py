"""`make load` (scripts/load.py) still works: a brief run of it on a stack of its own prints its
figures and loses no frame. Its figures are printed, never asserted: they depend on the machine."""

import re
import subprocess
import sys

import pytest

from tests.integration.stack import ROOT

pytestmark = pytest.mark.timeout(240)


def test_the_load_script_prints_its_figures_and_loses_no_frame():
    out = subprocess.run(
        [
            sys.executable,
            "scripts/load.py",
            "--runs",
            "1",
            "--viewers",
            "2",
            "--seconds",
            "3",
            "--workers",
            "1",
            "--concurrency",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=230,
    )
    print(out.stdout)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "1 runs x 2 viewers for 3 s" in out.stdout
    frames = re.search(r"frames delivered: (\d+)/s \(metrics frames (\d+)/s\)", out.stdout)
    assert frames and int(frames[2]) > 0, out.stdout  # both viewers got metrics frames in the window
    assert re.search(r"metrics-frame latency .*: p50 [\d.]+ ms, p95 [\d.]+ ms", out.stdout), out.stdout
    assert re.search(r"pause round trip .*: median \d+ ms, max \d+ ms over 5 ", out.stdout), out.stdout
    assert "lost 0, out of order 0, duplicates 0\n" in out.stdout
