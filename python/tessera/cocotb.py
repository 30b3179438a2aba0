"""cocotb scoreboards on Tessera's golden model.

This module imports cocotb only inside the functions that need it, so that ``import
tessera.cocotb`` works without a simulator.

* :class:`TxScoreboard` takes a TX DUT's inputs and outputs of every clock
  (``tx_valid_i``, ``tx_data_i``; ``tx_ready_o``, ``tx_serial_o``) and checks them against
  a :class:`tessera.Model`, a batch of clocks per call into the model.
* :class:`RxScoreboard` takes an RX DUT's ``rx_serial_i`` of every clock, its stripes
  (``rx_valid_o`` / ``rx_data_o``) and optionally its per-port status outputs, and checks
  them in order (docs/spec.md section 11.7); :meth:`RxScoreboard.finish` runs the two
  closing clocks and checks the link status and that every stripe came out. A DUT whose
  status lags the contract (docs/ports.md, a DUT file's ``status_lag``; Tessera's
  ``tessera_rx`` lags by 1) is checked with ``RxScoreboard(model, status_lag=N)``.

The first difference raises :class:`ScoreboardError` (an ``AssertionError``, so cocotb
fails the test) with the clock, signal, channel / port / lane, expected and actual values.
Signals are read with :func:`value` (an int; X or Z is an error naming the signal).
"""

from collections import deque

from . import LINK_OUTPUTS, PORT_OUTPUTS


class ScoreboardError(AssertionError):
    """The DUT differs from the model."""


def value(handle, clock=None):
    """The int value of a cocotb signal handle; X or Z raises ScoreboardError."""
    v = handle.value
    try:
        return v.integer
    except ValueError:
        where = "" if clock is None else f"clock {clock}: "
        raise ScoreboardError(f"{where}{handle._name} is {v.binstr} (X or Z), expected a 2-state value") from None


def read_ports(dut, clock=None):
    """The nine per-port status outputs of an RX DUT, in :data:`tessera.PORT_OUTPUTS` order."""
    return tuple(value(getattr(dut, name), clock) for name in PORT_OUTPUTS)


def read_link(dut, clock=None):
    """The link status outputs of an RX DUT, a dict by port name."""
    return {name: value(getattr(dut, name), clock) for name in LINK_OUTPUTS}


class TxScoreboard:
    """Checks a TX DUT clock by clock against ``model`` (a :class:`tessera.Model`)."""

    def __init__(self, model, batch=256):
        self.model = model
        self.batch = batch
        self.clocks = 0
        self._valid, self._data, self._ready, self._serial = [], [], [], []

    def sample(self, valid, data, ready, serial):
        """One clock: the DUT's inputs and its outputs read before the clock's edge."""
        self._valid.append(bool(valid))
        self._data.append(data)
        self._ready.append(bool(ready))
        self._serial.append(serial)
        if len(self._valid) >= self.batch:
            self.flush()

    def flush(self):
        """Checks the clocks sampled so far."""
        if not self._valid:
            return
        msg = self.model.tx_check_clocks(self._valid, self._data, self._ready, self._serial)
        self.clocks += len(self._valid)
        self._valid, self._data, self._ready, self._serial = [], [], [], []
        if msg is not None:
            raise ScoreboardError(f"TX scoreboard (seed {self.model.seed}): {msg}")


class RxScoreboard:
    """Checks an RX DUT against ``model``: stripes in order, per-port status every clock
    (when sampled with ports), link status and stripe count at the end.

    ``status_lag``: the clocks the DUT's outputs lag the contract of docs/ports.md (its
    DUT file's ``status_lag``). The model then takes each serial word that many clocks
    after the DUT; on the first ``status_lag`` clocks the DUT's status is checked against
    the model's reset status, and :meth:`finish` runs that many more clocks."""

    def __init__(self, model, cnt_w=32, batch=256, status_lag=0):
        if status_lag < 0:
            raise ValueError(f"RxScoreboard: status_lag = {status_lag}, expected 0 or more")
        self.model = model
        self.cnt_w = cnt_w
        self.batch = batch
        self.status_lag = status_lag
        self._serial, self._stripes, self._ports = [], [], []
        # Words the DUT has taken and the model not yet (status_lag of them once running).
        self._behind = deque()
        self._with_ports = True

    def sample(self, serial, stripe=None, ports=None):
        """One clock: the rx_serial_i word the DUT got, its rx_data_o if rx_valid_o was
        high (else None), and its per-port status (:func:`read_ports`) or None."""
        self._with_ports = ports is not None
        self._behind.append(serial)
        if len(self._behind) <= self.status_lag:
            # The DUT has not yet shown anything of its input: the model's reset state.
            if ports is not None:
                self._check(self.model.rx_check_ports(dict(zip(PORT_OUTPUTS, ports)), self.cnt_w))
            if stripe is not None:
                self._check(self.model.rx_check_stripe(stripe))
            return
        self._take(stripe, ports)

    def _take(self, stripe, ports):
        # The model's clock: the oldest word the DUT took, with the DUT's outputs of now.
        self._serial.append(self._behind.popleft())
        self._stripes.append(stripe)
        self._ports.append(ports)
        if len(self._serial) >= self.batch:
            self.flush()

    def flush(self):
        """Checks the clocks sampled so far."""
        if not self._serial:
            return
        with_ports = all(p is not None for p in self._ports)
        msg = self.model.rx_check_clocks(self._serial, self._stripes, self._ports if with_ports else None, self.cnt_w)
        self._serial, self._stripes, self._ports = [], [], []
        if msg is not None:
            raise ScoreboardError(f"RX scoreboard (seed {self.model.seed}): {msg}")

    async def finish(self, dut, clk):
        """Ends a run on the DUT: zeros on rx_serial_i for two clocks (not fed to the
        model), the per-port status before the first of their edges, the link status and
        the last stripe before the second (docs/spec.md 11.7), then every stripe out.
        With a ``status_lag``, that many clocks of zeros come first, while the model takes
        the words it is behind by."""
        from cocotb.triggers import FallingEdge, ReadOnly

        while self._behind:
            await FallingEdge(clk)
            dut.rx_serial_i.value = 0
            await ReadOnly()
            clock = self.model.rx_clocks_fed + len(self._serial) + len(self._behind)
            stripe = value(dut.rx_data_o, clock) if value(dut.rx_valid_o, clock) else None
            self._take(stripe, read_ports(dut, clock) if self._with_ports else None)
        self.flush()
        clock = self.model.rx_clocks_fed
        await FallingEdge(clk)
        dut.rx_serial_i.value = 0
        await ReadOnly()
        self._check(self.model.rx_check_ports(dict(zip(PORT_OUTPUTS, read_ports(dut, clock))), self.cnt_w))
        for _ in range(2):
            if value(dut.rx_valid_o, clock):
                self._check(self.model.rx_check_stripe(value(dut.rx_data_o, clock)))
            if _ == 0:
                await FallingEdge(clk)
                await ReadOnly()
        self._check(self.model.rx_check_link(read_link(dut, clock + 1), self.cnt_w))
        self._check(self.model.rx_check_done())
        return self.model.rx_stripes_matched

    def _check(self, msg):
        if msg is not None:
            raise ScoreboardError(f"RX scoreboard (seed {self.model.seed}): {msg}")
