"""The cocotb bench (tests/cocotb) under Icarus and Verilator: it passes on the repository's
RTL, and with one line of the RTL broken on purpose (in a copy: the RX's slip counter
counts by two) it fails with the clock, the port and the expected and actual values.

Needs iverilog and verilator (scripts/setup installs them) and cocotb 1.8.1 in this
Python (scripts/setup's venv). TESSERA_SEED=N replays another seed; TESSERA_COCOTB_SIMS
(default "icarus verilator") picks the simulators; TESSERA_COCOTB_BUILD the build folder.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BENCH = HERE / "cocotb"
BUILD = Path(os.environ.get("TESSERA_COCOTB_BUILD", ROOT / "target" / "cocotb"))
SIMS = os.environ.get("TESSERA_COCOTB_SIMS", "icarus verilator").split()
SEED = int(os.environ.get("TESSERA_SEED", "7"))
FAULTS = "random_skew: 300;permute: yes;ber: 1e-5"

BROKEN_FILE = "rx_port.sv"
BROKEN_FROM = "slips_q[c*CNT_W +: CNT_W] <= slips_q[c*CNT_W +: CNT_W] + 1'b1;"
BROKEN_TO = "slips_q[c*CNT_W +: CNT_W] <= slips_q[c*CNT_W +: CNT_W] + 2'd2;"


def run_bench(sim, rtl, name):
    build = BUILD / f"{sim}-{name}"
    results = build / "results.xml"
    if results.exists():
        results.unlink()
    env = dict(os.environ)
    env.update(
        SIM=sim,
        RTL=str(rtl),
        SIM_BUILD=str(build),
        COCOTB_RESULTS_FILE=str(results),
        TESSERA_SEED=str(SEED),
        TESSERA_FAULTS=FAULTS,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
    )
    p = subprocess.run(["make", "-C", str(BENCH)], env=env, capture_output=True, text=True)
    out = p.stdout + p.stderr
    assert results.exists(), f"cocotb wrote no results (build or start failed):\n{out[-4000:]}"
    xml = results.read_text()
    return ("<failure" not in xml and "<error" not in xml, out)


def broken_rtl():
    dst = BUILD / "broken-rtl-src"
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    for f in (ROOT / "rtl").glob("*.sv"):
        shutil.copy(f, dst / f.name)
    text = (dst / BROKEN_FILE).read_text()
    assert text.count(BROKEN_FROM) == 1, f"`{BROKEN_FROM}` must occur once in rtl/{BROKEN_FILE}"
    (dst / BROKEN_FILE).write_text(text.replace(BROKEN_FROM, BROKEN_TO))
    return dst


@pytest.mark.parametrize("sim", SIMS)
def test_rtl_passes_and_a_broken_line_fails(sim):
    print(f"seed {SEED} (TESSERA_SEED={SEED} replays it)")
    for tool in {"icarus": ["iverilog", "vvp"], "verilator": ["verilator"]}[sim]:
        assert shutil.which(tool), f"{tool} not found: ./scripts/setup installs it"
    ok, out = run_bench(sim, ROOT / "rtl", "rtl")
    assert ok and "PASS: seed" in out, out[-4000:]
    m = re.search(r"PASS: seed \d+, \d+ clocks, TX checked every clock, (\d+) stripes out", out)
    assert m and int(m.group(1)) == 100, out[-2000:]

    ok, out = run_bench(sim, broken_rtl(), "broken")
    assert not ok, f"the bench passes with a broken RTL line:\n{out[-4000:]}"
    m = re.search(r"RX scoreboard \(seed \d+\): clock \d+: port_slips_o port \d+: expected \d+, actual \d+", out)
    assert m, out[-4000:]
