// acme_rx: an example DUT laid out unlike Tessera's (examples/acme/README.md).
//
// Function:   Tessera's tessera_rx behind other port names and an active-high reset,
//             exposing only the data and the lock bits; the lock bits pass through
//             `ACME_RX_STATUS_STAGES registers.
// Parameters: N_LANES, N_SPARES, MARKER_PERIOD, WORD_BITS, SKEW_CAP (tessera_rx's LANES,
//             SPARES, AM_PERIOD, SER_W, MAX_SKEW_BITS).
// Latency:    stripes as tessera_rx; lock outputs `ACME_RX_STATUS_STAGES clocks later than
//             tessera_rx's (which lag the contract by one clock: status_lag 1 + STAGES).
`include "acme_defs.svh"

module acme_rx #(
  parameter int N_LANES       = 4,
  parameter int N_SPARES      = 1,
  parameter int MARKER_PERIOD = 32,
  parameter int WORD_BITS     = 22,
  parameter int SKEW_CAP      = 500
) (
  input  logic                                   clk,
  input  logic                                   rst,
  input  logic [WORD_BITS*(N_LANES+N_SPARES)-1:0] lanes_in,
  output logic                                   m_valid,
  output logic [64*N_LANES-1:0]                  m_data,
  output logic [N_LANES+N_SPARES-1:0]            frame_lock,
  output logic [N_LANES+N_SPARES-1:0]            marker_lock
);
  localparam int P      = N_LANES + N_SPARES;
  localparam int STAGES = `ACME_RX_STATUS_STAGES;

  logic [P-1:0] block_lock, am_lock;

  /* verilator lint_off PINCONNECTEMPTY */
  tessera_rx #(
    .LANES        (N_LANES),
    .SPARES       (N_SPARES),
    .AM_PERIOD    (MARKER_PERIOD),
    .SER_W        (WORD_BITS),
    .MAX_SKEW_BITS(SKEW_CAP)
  ) u_rx (
    .clk_i                    (clk),
    .rst_ni                   (!rst),
    .rx_serial_i              (lanes_in),
    .rx_valid_o               (m_valid),
    .rx_data_o                (m_data),
    .rx_aligned_o             (),
    .port_block_lock_o        (block_lock),
    .port_marker_lock_o       (am_lock),
    .port_lane_o              (),
    .port_bip_errors_o        (),
    .port_in_link_o           (),
    .port_skew_o              (),
    .port_slips_o             (),
    .port_block_lock_losses_o (),
    .port_marker_lock_losses_o(),
    .port_invalid_headers_o   (),
    .port_bits_o              (),
    .formed_o                 (),
    .stripes_out_o            (),
    .stripes_lost_o           (),
    .idle_slots_o             (),
    .unreadable_slots_o       (),
    .formations_o             (),
    .joins_o                  (),
    .skew_fault_o             (),
    .skew_fault_spread_o      (),
    .skew_fault_early_o       (),
    .skew_fault_late_o        (),
    .dup_lane_o               (),
    .dup_lane_lane_o          (),
    .dup_lane_kept_o          (),
    .dup_lane_refused_o       ()
  );
  /* verilator lint_on PINCONNECTEMPTY */

  logic [2*P-1:0] lock_q [STAGES+1];
  assign lock_q[0] = {am_lock, block_lock};
  for (genvar i = 0; i < STAGES; i++) begin : gen_stage
    always_ff @(posedge clk) begin
      if (rst) lock_q[i+1] <= '0;
      else     lock_q[i+1] <= lock_q[i];
    end
  end
  assign frame_lock  = lock_q[STAGES][P-1:0];
  assign marker_lock = lock_q[STAGES][2*P-1:P];
endmodule
