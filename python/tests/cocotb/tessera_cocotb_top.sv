// tessera_cocotb_top: Tessera's TX (u_tx) and RX (u_rx) RTL side by side, every port at the
// top, for the cocotb bench (test_tessera_rtl.py). One clock; separate resets for the TX
// datapath (rst_ni), its lane map (map_rst_ni) and the RX (rx_rst_ni). WITH_RX = 0 leaves
// the RX out (wide links) and ties its outputs to zero.
module tessera_cocotb_top #(
  parameter int LANES         = 4,
  parameter int SPARES        = 1,
  parameter int AM_PERIOD     = 32,
  parameter int SER_W         = 22,
  parameter int MAX_SKEW_BITS = 500,
  parameter int CNT_W         = 32,
  parameter bit WITH_RX       = 1'b1,
  localparam int P            = LANES + SPARES
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 map_rst_ni,
  input  logic                 rx_rst_ni,
  // TX
  input  logic                 tx_valid_i,
  input  logic [64*LANES-1:0]  tx_data_i,
  output logic                 tx_ready_o,
  input  logic                 map_wr_i,
  input  logic [15:0]          map_channel_i,
  input  logic [15:0]          map_lane_i,
  input  logic                 map_failed_i,
  output logic [SER_W*P-1:0]   tx_serial_o,
  // RX
  input  logic [SER_W*P-1:0]   rx_serial_i,
  output logic                 rx_valid_o,
  output logic [64*LANES-1:0]  rx_data_o,
  output logic                 rx_aligned_o,
  output logic [P-1:0]         port_block_lock_o,
  output logic [P-1:0]         port_marker_lock_o,
  output logic [16*P-1:0]      port_lane_o,
  output logic [CNT_W*P-1:0]   port_bip_errors_o,
  output logic [P-1:0]         port_in_link_o,
  output logic [48*P-1:0]      port_skew_o,
  output logic [CNT_W*P-1:0]   port_slips_o,
  output logic [CNT_W*P-1:0]   port_block_lock_losses_o,
  output logic [CNT_W*P-1:0]   port_marker_lock_losses_o,
  output logic [CNT_W*P-1:0]   port_invalid_headers_o,
  output logic [48*P-1:0]      port_bits_o,
  output logic                 formed_o,
  output logic [CNT_W-1:0]     stripes_out_o,
  output logic [CNT_W-1:0]     stripes_lost_o,
  output logic [CNT_W-1:0]     idle_slots_o,
  output logic [CNT_W-1:0]     unreadable_slots_o,
  output logic [CNT_W-1:0]     formations_o,
  output logic [CNT_W-1:0]     joins_o,
  output logic                 skew_fault_o,
  output logic [47:0]          skew_fault_spread_o,
  output logic [15:0]          skew_fault_early_o,
  output logic [15:0]          skew_fault_late_o,
  output logic                 dup_lane_o,
  output logic [15:0]          dup_lane_lane_o,
  output logic [15:0]          dup_lane_kept_o,
  output logic [15:0]          dup_lane_refused_o
);

  tessera_tx #(
    .LANES    (LANES),
    .SPARES   (SPARES),
    .AM_PERIOD(AM_PERIOD),
    .SER_W    (SER_W)
  ) u_tx (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .map_rst_ni   (map_rst_ni),
    .tx_valid_i   (tx_valid_i),
    .tx_data_i    (tx_data_i),
    .tx_ready_o   (tx_ready_o),
    .map_wr_i     (map_wr_i),
    .map_channel_i(map_channel_i),
    .map_lane_i   (map_lane_i),
    .map_failed_i (map_failed_i),
    .tx_serial_o  (tx_serial_o)
  );

  if (WITH_RX) begin : g_rx
    tessera_rx #(
      .LANES        (LANES),
      .SPARES       (SPARES),
      .AM_PERIOD    (AM_PERIOD),
      .SER_W        (SER_W),
      .MAX_SKEW_BITS(MAX_SKEW_BITS),
      .CNT_W        (CNT_W)
    ) u_rx (
      .clk_i                    (clk_i),
      .rst_ni                   (rx_rst_ni),
      .rx_serial_i              (rx_serial_i),
      .rx_valid_o               (rx_valid_o),
      .rx_data_o                (rx_data_o),
      .rx_aligned_o             (rx_aligned_o),
      .port_block_lock_o        (port_block_lock_o),
      .port_marker_lock_o       (port_marker_lock_o),
      .port_lane_o              (port_lane_o),
      .port_bip_errors_o        (port_bip_errors_o),
      .port_in_link_o           (port_in_link_o),
      .port_skew_o              (port_skew_o),
      .port_slips_o             (port_slips_o),
      .port_block_lock_losses_o (port_block_lock_losses_o),
      .port_marker_lock_losses_o(port_marker_lock_losses_o),
      .port_invalid_headers_o   (port_invalid_headers_o),
      .port_bits_o              (port_bits_o),
      .formed_o                 (formed_o),
      .stripes_out_o            (stripes_out_o),
      .stripes_lost_o           (stripes_lost_o),
      .idle_slots_o             (idle_slots_o),
      .unreadable_slots_o       (unreadable_slots_o),
      .formations_o             (formations_o),
      .joins_o                  (joins_o),
      .skew_fault_o             (skew_fault_o),
      .skew_fault_spread_o      (skew_fault_spread_o),
      .skew_fault_early_o       (skew_fault_early_o),
      .skew_fault_late_o        (skew_fault_late_o),
      .dup_lane_o               (dup_lane_o),
      .dup_lane_lane_o          (dup_lane_lane_o),
      .dup_lane_kept_o          (dup_lane_kept_o),
      .dup_lane_refused_o       (dup_lane_refused_o)
    );
  end else begin : g_no_rx
    assign {rx_valid_o, rx_data_o, rx_aligned_o, port_block_lock_o, port_marker_lock_o} = '0;
    assign {port_lane_o, port_bip_errors_o, port_in_link_o, port_skew_o, port_slips_o} = '0;
    assign {port_block_lock_losses_o, port_marker_lock_losses_o, port_invalid_headers_o} = '0;
    assign {port_bits_o, formed_o, stripes_out_o, stripes_lost_o, idle_slots_o} = '0;
    assign {unreadable_slots_o, formations_o, joins_o, skew_fault_o, skew_fault_spread_o} = '0;
    assign {skew_fault_early_o, skew_fault_late_o, dup_lane_o, dup_lane_lane_o} = '0;
    assign {dup_lane_kept_o, dup_lane_refused_o} = '0;
  end

endmodule
