// acme_defs.svh: build-wide constants of the ACME link wrapper.
`ifndef ACME_DEFS_SVH
`define ACME_DEFS_SVH
// Registers added after Tessera's serializer: the TX latency becomes 2 + this.
`define ACME_TX_EXTRA_STAGES 1
// Registers on the RX lock outputs: the status lags the contract by this many clocks.
`define ACME_RX_STATUS_STAGES 1
`endif
