"""cocotb bench: Tessera's TX and RX RTL (tessera_cocotb_top) against two instances of the
golden model, under Icarus or Verilator (cocotb 1.8.1; Makefile in this folder).

* tx_model: the host stimulus (in bulk) drives u_tx; tessera.cocotb.TxScoreboard checks
  tx_ready_o and tx_serial_o of every clock.
* rx_model: its own TX and channel make u_rx's rx_serial_i for the whole run (in bulk,
  before the run); tessera.cocotb.RxScoreboard checks every stripe in order, the per-port
  status of every clock and, after the run, the link status and the stripe count.

The seed is printed; TESSERA_SEED=N replays it. TESSERA_NOMODEL=1 runs the same loop
(same stimulus, same signal reads) without the scoreboards; TESSERA_BENCH=1 runs that
loop and the one with the scoreboards, alternately TESSERA_BENCH_REPEAT (2) times each in
this process, and logs the fastest of each and their ratio (the benchmark).
"""

import os
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly

import tessera
from tessera.cocotb import RxScoreboard, TxScoreboard, read_ports, value


CLOCK = None


def env_int(name, default):
    return int(os.environ.get(name, default))


@cocotb.test()
async def tx_and_rx_against_the_model(dut):
    if os.environ.get("TESSERA_BENCH") == "1":
        # Alternating runs, the fastest of each kind (the machine's other load varies).
        base, with_model = [], []
        for _ in range(env_int("TESSERA_BENCH_REPEAT", 2)):
            clocks, t = await run(dut, with_model=False)
            base.append(t)
            _, t = await run(dut, with_model=True)
            with_model.append(t)
        dut._log.info(
            "BENCH: %d clocks: %.0f clocks/s without the model calls, %.0f clocks/s with them: ratio %.2f",
            clocks, clocks / min(base), clocks / min(with_model), min(with_model) / min(base))
    else:
        await run(dut, with_model=os.environ.get("TESSERA_NOMODEL") != "1")


async def run(dut, with_model):
    """One run: reset, lane map, the loop; returns (clocks, seconds of the loop)."""
    no_model = not with_model
    lanes, spares = env_int("LANES", 4), env_int("SPARES", 1)
    am_period, ser_w, max_skew = env_int("AM_PERIOD", 32), env_int("SER_W", 22), env_int("MAX_SKEW_BITS", 500)
    with_rx = env_int("WITH_RX", 1) == 1
    seed = env_int("TESSERA_SEED", 7)
    faults = os.environ.get("TESSERA_FAULTS", "").replace(";", "\n")
    cfg = (
        f"lanes: {lanes}\nspares: {spares}\nam_period: {am_period}\nser_w: {ser_w}\n"
        f"max_skew_bits: {max_skew}\nseed: {seed}\nstripes: {env_int('TESSERA_STRIPES', 100)}\n{faults}\n"
    )
    dut._log.info("seed %d (TESSERA_SEED=%d replays it)%s", seed, seed, ", no model calls" if no_model else "")
    tx_model = tessera.Model(cfg, "tessera config")
    rx_model = tessera.Model(cfg, "tessera config")
    tx_model.check_rtl(lanes, spares, am_period, ser_w)
    rx_model.check_rtl(lanes, spares, am_period, ser_w, max_skew)
    k = tx_model.clocks_per_block
    p = lanes + spares

    # Stimulus, in bulk: the TX's from tx_model's host; the RX's from rx_model's TX and
    # channel (it lags the TX by K + 2 clocks, so the RX runs that many clocks fewer).
    n = tx_model.run_clocks + 2 * k + 4
    valid, data = tx_model.host_clocks(n)
    rx_words = []
    if with_rx:
        _, serial = rx_model.tx_clocks(*rx_model.host_clocks(n))
        rx_words = rx_model.channel(serial)
    clocks = len(rx_words) if with_rx else n

    global CLOCK
    if CLOCK is None:
        CLOCK = cocotb.start_soon(Clock(dut.clk_i, 10, units="ns").start())
    await FallingEdge(dut.clk_i)
    for s in ("rst_ni", "map_rst_ni", "rx_rst_ni", "tx_valid_i", "tx_data_i", "map_wr_i", "map_channel_i",
              "map_lane_i", "map_failed_i", "rx_serial_i"):
        getattr(dut, s).value = 0
    await FallingEdge(dut.clk_i)
    await FallingEdge(dut.clk_i)
    # The TX lane map, written while rst_ni is low (docs/rtl.md, "Lane-map write port").
    dut.map_rst_ni.value = 1
    for ch in range(p):
        await FallingEdge(dut.clk_i)
        e = tx_model.tx_map_entry(ch)
        dut.map_wr_i.value = 1
        dut.map_channel_i.value = ch
        dut.map_lane_i.value = e & 0xFFFF
        dut.map_failed_i.value = e >> 16
    await FallingEdge(dut.clk_i)
    dut.map_wr_i.value = 0
    # The datapath stays in reset until the map is in force: tessera_tx's routing unit
    # takes R(L) + 2 clocks, 2^L >= p (docs/spec.md, "Lane map in the RTL").
    l = max(1, (p - 1).bit_length())
    for _ in range(2 * 2**l + (l - 1) * 2 ** (l - 1) + 3):
        await FallingEdge(dut.clk_i)

    tx_sb = TxScoreboard(tx_model)
    # tessera_rx registers rx_serial_i once: its status lags the contract by one clock.
    rx_sb = RxScoreboard(rx_model, status_lag=1)
    t0 = time.perf_counter()
    for c in range(clocks):
        if c > 0:
            await FallingEdge(dut.clk_i)
        else:
            dut.rst_ni.value = 1
            dut.rx_rst_ni.value = 1
        dut.tx_valid_i.value = valid[c]
        dut.tx_data_i.value = data[c]
        if with_rx:
            dut.rx_serial_i.value = rx_words[c]
        await ReadOnly()
        ready, serial = value(dut.tx_ready_o, c), value(dut.tx_serial_o, c)
        if with_rx:
            stripe = value(dut.rx_data_o, c) if value(dut.rx_valid_o, c) else None
            ports = read_ports(dut, c)
        if no_model:
            continue
        tx_sb.sample(valid[c], data[c], ready, serial)
        if with_rx:
            rx_sb.sample(rx_words[c], stripe, ports)
    tx_sb.flush()
    elapsed = time.perf_counter() - t0
    matched = await rx_sb.finish(dut, dut.clk_i) if with_rx and not no_model else 0
    dut._log.info("BENCH: %d clocks, %.3f s, %.0f clocks/s%s", clocks, elapsed, clocks / elapsed,
                  " (no model calls)" if no_model else "")
    if with_rx and not no_model:
        assert matched > 0, f"no stripe came out of the RX (seed {seed})"
    if with_model:
        rx = f", {matched} stripes out equal to the model's" if with_rx else " (no RX)"
        dut._log.info("PASS: seed %d, %d clocks, TX checked every clock%s", seed, clocks, rx)
    return clocks, elapsed
