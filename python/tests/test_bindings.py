"""The Python bindings without a simulator: configuration errors, the host -> TX ->
channel -> RX path across two instances, and the checks' messages."""

import os
import random

import pytest

import tessera

CFG = "lanes: 4\nspares: 1\nam_period: 32\nmax_skew_bits: 500\nser_w: 22\nstripes: 40\nseed: {seed}\n"


def seed():
    s = int(os.environ.get("TESSERA_SEED", "7"))
    print(f"seed {s} (TESSERA_SEED={s} replays it)")
    return s


def test_bad_configuration_names_line_and_column():
    with pytest.raises(ValueError, match=r"^bench.cfg:2:9: "):
        tessera.Model("lanes: 4\nspares: two\n", "bench.cfg")
    with pytest.raises(ValueError, match="unknown configuration key `lane`"):
        tessera.Model("lane: 4\n")
    m = tessera.Model(CFG.format(seed=1))
    assert (m.lanes, m.spares, m.channels, m.ser_w, m.clocks_per_block) == (4, 1, 5, 22, 3)
    assert (m.data_width, m.serial_width) == (256, 110)
    m.check_rtl(4, 1, 32, 22, 500)
    with pytest.raises(ValueError, match="the RTL has SER_W = 11"):
        m.check_rtl(4, 1, 32, 11)


def test_two_instances_carry_every_stripe_end_to_end():
    s = seed()
    cfg = CFG.format(seed=s) + "random_skew: 300\npermute: yes\n"
    tx = tessera.Model(cfg)
    rx = tessera.Model(cfg)
    n = tx.run_clocks + 2 * tx.clocks_per_block + 4
    valid, data = tx.host_clocks(n)
    ready, serial = tx.tx_clocks(valid, data)
    sent = [d for v, r, d in zip(valid, ready, data) if v and r]
    assert len(sent) == 40
    received = rx.channel(serial)
    assert n - 10 <= len(received) <= n
    assert rx.rx_clocks(received) == sent


def test_tx_check_reports_clock_channel_expected_actual():
    s = seed()
    dut = tessera.Model(CFG.format(seed=s))  # stands in for the DUT
    sb = tessera.Model(CFG.format(seed=s))
    valid, data = dut.host_clocks(400)
    ready, serial = dut.tx_clocks(valid, data)
    assert sb.tx_check_clocks(valid[:200], data[:200], ready[:200], serial[:200]) is None
    rng = random.Random(s)
    clock = rng.randrange(200, 400)
    bit = rng.randrange(110)
    serial[clock] ^= 1 << bit
    msg = sb.tx_check_clocks(valid[200:], data[200:], ready[200:], serial[200:])
    assert msg is not None and msg.startswith(f"clock {clock}: tx_serial_o channel {bit // 22}: expected 0x"), msg
    with pytest.raises(ValueError, match=r"tx_serial_o \(clock \d+\): the value has 111 bits, but the bus is 110 bits wide"):
        sb.tx_check_clocks([False], [0], [False], [1 << 110])


def test_rx_check_compares_stripes_and_port_status():
    s = seed()
    src = tessera.Model(CFG.format(seed=s))
    n = src.run_clocks + 20
    valid, data = src.host_clocks(n)
    _, serial = src.tx_clocks(valid, data)
    words = src.channel(serial)
    # A stand-in DUT: another instance's own outputs, shown one clock late.
    dut = tessera.Model(CFG.format(seed=s))
    sb = tessera.Model(CFG.format(seed=s))
    stripes, ports = [], []
    pending = []
    for w in words:
        p = dut.rx_port_outputs()
        ports.append(tuple(p[k] for k in tessera.PORT_OUTPUTS))
        stripes.append(pending.pop(0) if pending else None)
        pending += dut.rx_clocks([w])
    assert sum(x is not None for x in stripes) >= 35
    assert sb.rx_check_clocks(words[:300], stripes[:300], ports[:300]) is None
    bad = list(ports[300])
    bad[0] ^= 1 << 3  # port_block_lock_o, port 3
    msg = sb.rx_check_clocks(words[300:301], stripes[300:301], [tuple(bad)])
    assert msg is not None and msg.startswith("clock 300: port_block_lock_o port 3: expected"), msg
    i = next(i for i in range(301, len(words)) if stripes[i] is not None)
    assert sb.rx_check_clocks(words[300:i], stripes[300:i], ports[300:i]) is None
    wrong = stripes[i] ^ (1 << 64)  # lane 1
    msg = sb.rx_check_clocks([words[i]], [wrong], [ports[i]])
    assert msg is not None and "rx_data_o stripe" in msg and ", lane 1: expected 0x" in msg, msg
