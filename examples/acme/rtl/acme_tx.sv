// acme_tx: an example DUT laid out unlike Tessera's (examples/acme/README.md).
//
// Function:   Tessera's tessera_tx behind other port names, active-high resets (rst for the
//             datapath, cfg_rst for the lane map), and `ACME_TX_EXTRA_STAGES registers on
//             the serial output.
// Parameters: N_LANES, N_SPARES, MARKER_PERIOD, WORD_BITS (tessera_tx's LANES, SPARES,
//             AM_PERIOD, SER_W).
// Latency:    2 + `ACME_TX_EXTRA_STAGES clocks from a slot's first clock to its first
//             serial word (3 as shipped).
`include "acme_defs.svh"

module acme_tx #(
  parameter int N_LANES       = 4,
  parameter int N_SPARES      = 1,
  parameter int MARKER_PERIOD = 32,
  parameter int WORD_BITS     = 22
) (
  input  logic                                   clk,
  input  logic                                   rst,
  input  logic                                   cfg_rst,
  input  logic                                   s_valid,
  input  logic [64*N_LANES-1:0]                  s_data,
  output logic                                   s_ready,
  input  logic                                   cfg_we,
  input  logic [15:0]                            cfg_channel,
  input  logic [15:0]                            cfg_lane,
  input  logic                                   cfg_dead,
  output logic [WORD_BITS*(N_LANES+N_SPARES)-1:0] lanes_out
);
  localparam int SER_BITS = WORD_BITS * (N_LANES + N_SPARES);
  localparam int STAGES   = `ACME_TX_EXTRA_STAGES;

  logic [SER_BITS-1:0] serial;

  tessera_tx #(
    .LANES    (N_LANES),
    .SPARES   (N_SPARES),
    .AM_PERIOD(MARKER_PERIOD),
    .SER_W    (WORD_BITS)
  ) u_tx (
    .clk_i        (clk),
    .rst_ni       (!rst),
    .map_rst_ni   (!cfg_rst),
    .tx_valid_i   (s_valid),
    .tx_data_i    (s_data),
    .tx_ready_o   (s_ready),
    .map_wr_i     (cfg_we),
    .map_channel_i(cfg_channel),
    .map_lane_i   (cfg_lane),
    .map_failed_i (cfg_dead),
    .tx_serial_o  (serial)
  );

  logic [SER_BITS-1:0] stage_q [STAGES+1];
  assign stage_q[0] = serial;
  for (genvar i = 0; i < STAGES; i++) begin : gen_stage
    always_ff @(posedge clk) begin
      if (rst) stage_q[i+1] <= '0;
      else     stage_q[i+1] <= stage_q[i];
    end
  end
  assign lanes_out = stage_q[STAGES];
endmodule
