"""Tessera's bit-exact golden model of a wide-and-slow optical link, for Python benches.

``Model(config)`` is one model instance clocked at the RTL's ports (the same as the DPI-C
library's handle): host stimulus, TX (expected ``tx_ready_o`` / ``tx_serial_o``), channel
model (``tx_serial_o`` in, ``rx_serial_i`` out) and RX (received words in; stripes and
status out), with checks that return the first difference as a message naming the clock,
signal, channel / port / lane, expected and actual values. Buses are ints, laid out as the
RTL's ports; the bulk methods take one list entry per clock.

``tessera.cocotb`` has cocotb scoreboards built on it; it imports cocotb only when used.
"""

from ._tessera import LINK_OUTPUTS, PORT_OUTPUTS, Model

__all__ = ["Model", "PORT_OUTPUTS", "LINK_OUTPUTS"]
