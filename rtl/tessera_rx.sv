// tessera_rx: the Tessera receiver (docs/spec.md section 11; docs/rtl.md).
//
// Function:   one port per physical channel, each SER_W bits per clock (port j in bits
//             [j*SER_W +: SER_W], bit 0 first on the wire). Per port: framing with bit
//             slip and block lock (rx_port: rx_deserializer, block_lock), marker lock
//             (marker_lock), BIP-8 check and descrambling (lane_decoder). Then deskew,
//             reorder by the lane numbers read from the markers and stripe reassembly
//             (deskew). Stripes come out on rx_valid_o / rx_data_o (lane i's word in bits
//             [64i +: 64]), in slot order, one per clock at most; idle slots and lost
//             stripes are counted, never output. Per-port and link status as the model's
//             rx::RxStatus (dup_lane_*: the model's duplicate_lane).
// Timing:     compared with the model at transaction level (stripe stream and final
//             status), not cycle by cycle. rx_serial_i is registered once (input flops),
//             and the ports and the deskew leave reset one clock after rst_ni, so the
//             core sees clock c's word on clock c + 1. A block is processed on the clock
//             after its 67th bit arrives (the model's rule plus the input flop); a slot is
//             released on the clock after its hold completes and the stripe is on
//             rx_data_o one clock later. Every status output lags the contract of
//             docs/ports.md by one clock (a DUT file's status_lag = 1). See docs/rtl.md.
// Parameters: LANES (1..65535), SPARES (LANES+SPARES <= 65536), AM_PERIOD (4..2^24),
//             SER_W (divisor of 66), MAX_SKEW_BITS (< AM_PERIOD * 33), CNT_W (status
//             counter width, saturating).
// Latency:    see Timing (status_lag 1).
module tessera_rx #(
  parameter int LANES         = 4,
  parameter int SPARES        = 1,
  parameter int AM_PERIOD     = 16,
  parameter int SER_W         = 22,
  parameter int MAX_SKEW_BITS = 264,
  parameter int CNT_W         = 32
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  input  logic [SER_W*(LANES+SPARES)-1:0]     rx_serial_i,
  // Stripes.
  output logic                                rx_valid_o,
  output logic [64*LANES-1:0]                 rx_data_o,
  output logic                                rx_aligned_o,
  // Per-port status, port j in the j-th field.
  output logic [LANES+SPARES-1:0]             port_block_lock_o,
  output logic [LANES+SPARES-1:0]             port_marker_lock_o,
  output logic [16*(LANES+SPARES)-1:0]        port_lane_o,
  output logic [CNT_W*(LANES+SPARES)-1:0]     port_bip_errors_o,
  output logic [LANES+SPARES-1:0]             port_in_link_o,
  output logic [48*(LANES+SPARES)-1:0]        port_skew_o,
  output logic [CNT_W*(LANES+SPARES)-1:0]     port_slips_o,
  output logic [CNT_W*(LANES+SPARES)-1:0]     port_block_lock_losses_o,
  output logic [CNT_W*(LANES+SPARES)-1:0]     port_marker_lock_losses_o,
  output logic [CNT_W*(LANES+SPARES)-1:0]     port_invalid_headers_o,
  output logic [48*(LANES+SPARES)-1:0]        port_bits_o,
  // Link status.
  output logic                                formed_o,
  output logic [CNT_W-1:0]                    stripes_out_o,
  output logic [CNT_W-1:0]                    stripes_lost_o,
  output logic [CNT_W-1:0]                    idle_slots_o,
  output logic [CNT_W-1:0]                    unreadable_slots_o,
  output logic [CNT_W-1:0]                    formations_o,
  output logic [CNT_W-1:0]                    joins_o,
  output logic                                skew_fault_o,
  output logic [47:0]                         skew_fault_spread_o,
  output logic [15:0]                         skew_fault_early_o,
  output logic [15:0]                         skew_fault_late_o,
  output logic                                dup_lane_o,
  output logic [15:0]                         dup_lane_lane_o,
  output logic [15:0]                         dup_lane_kept_o,
  output logic [15:0]                         dup_lane_refused_o
);

  // Spec constants used by the submodules, named here for the reader.
  localparam int BLOCK_BITS           = 66;
  localparam int SH_VALID_TO_LOCK     = 64;  // block_lock
  localparam int SH_INVALID_TO_UNLOCK = 16;  // block_lock
  localparam int AM_VALID_TO_LOCK     = 2;   // marker_lock
  localparam int AM_INVALID_TO_UNLOCK = 4;   // marker_lock
  localparam int RELEASE_HOLD         = 8;   // deskew

  // Derived.
  localparam int CHANNELS = LANES + SPARES;
  localparam int POS_W    = 48;  // bit positions: 2^48 bits is 39 h at 2 Gb/s
  localparam int G_W      = 32;  // global slot index, compared modulo 2^32

  param_assert #(
    .OK (LANES >= 1 && LANES <= 65535),
    .MSG("tessera_rx: LANES must be 1..65535")
  ) u_chk_lanes ();
  param_assert #(
    .OK (SPARES >= 0 && LANES + SPARES <= 65536),
    .MSG("tessera_rx: SPARES must be >= 0 with LANES + SPARES <= 65536")
  ) u_chk_spares ();
  param_assert #(
    .OK (AM_PERIOD >= 4 && AM_PERIOD <= 16777216),
    .MSG("tessera_rx: AM_PERIOD must be 4..2^24")
  ) u_chk_am_period ();
  param_assert #(
    .OK (SER_W >= 1 && SER_W <= BLOCK_BITS && (BLOCK_BITS % SER_W) == 0),
    .MSG("tessera_rx: SER_W must divide 66 (1, 2, 3, 6, 11, 22, 33, 66)")
  ) u_chk_ser_w ();
  param_assert #(
    .OK (MAX_SKEW_BITS >= 0 && MAX_SKEW_BITS < AM_PERIOD * 33),
    .MSG("tessera_rx: MAX_SKEW_BITS must be less than half a marker period (AM_PERIOD * 33)")
  ) u_chk_skew ();
  param_assert #(
    .OK (SH_VALID_TO_LOCK == 64 && SH_INVALID_TO_UNLOCK == 16 && AM_VALID_TO_LOCK == 2 &&
         AM_INVALID_TO_UNLOCK == 4 && RELEASE_HOLD == 8 && CNT_W >= 1 && CNT_W <= 64),
    .MSG("tessera_rx: CNT_W must be 1..64")
  ) u_chk_consts ();

  // Input flops. The serial words are registered once, and the core (ports and deskew)
  // leaves reset one clock after rst_ni, so it never takes the register's reset value as
  // a word: the core is the unregistered receiver delayed by exactly one clock. It also
  // keeps the whole receiver out of Verilator's input-combinational region, which is
  // evaluated on every eval() call (docs/rtl.md "RX timing").
  localparam int SERIAL_W = SER_W * CHANNELS;
  logic [SERIAL_W-1:0] serial_q;
  logic                core_rst_nq;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      serial_q    <= SERIAL_W'(0);
      core_rst_nq <= 1'b0;
    end else begin
      serial_q    <= rx_serial_i;
      core_rst_nq <= 1'b1;
    end
  end

  logic [CHANNELS-1:0]       ev_marker, ev_sym, ev_unlock, ev_sh_valid;
  logic [16*CHANNELS-1:0]    ev_lane;
  logic [POS_W*CHANNELS-1:0] ev_pos;
  logic [2*CHANNELS-1:0]     ev_kind;
  logic [64*CHANNELS-1:0]    ev_data;

  // The ports' front end: one rx_port for all channels (procedural loops over the
  // channels), or one rx_port per channel (CH = 1) for synthesis, which then synthesizes
  // the port once (docs/rtl.md "Channel loops").
`ifdef SYNTHESIS
  localparam bit CHANNEL_INSTANCES = 1'b1;
`elsif TESSERA_CHANNEL_INSTANCES
  localparam bit CHANNEL_INSTANCES = 1'b1;
`else
  localparam bit CHANNEL_INSTANCES = 1'b0;
`endif

  localparam int NI = CHANNEL_INSTANCES ? CHANNELS : 1;  // instances
  localparam int CI = CHANNEL_INSTANCES ? 1 : CHANNELS;  // channels per instance

  for (genvar i = 0; i < NI; i++) begin : gen_ch
    rx_port #(
      .CH       (CI),
      .SER_W    (SER_W),
      .AM_PERIOD(AM_PERIOD),
      .POS_W    (POS_W),
      .CNT_W    (CNT_W)
    ) u_rx_port (
      .clk_i               (clk_i),
      .rst_ni              (core_rst_nq),
      .serial_i            (serial_q[SER_W*CI*i +: SER_W*CI]),
      .ev_marker_o         (ev_marker[CI*i +: CI]),
      .ev_sym_o            (ev_sym[CI*i +: CI]),
      .ev_unlock_o         (ev_unlock[CI*i +: CI]),
      .ev_lane_o           (ev_lane[16*CI*i +: 16*CI]),
      .ev_pos_o            (ev_pos[POS_W*CI*i +: POS_W*CI]),
      .ev_kind_o           (ev_kind[2*CI*i +: 2*CI]),
      .ev_data_o           (ev_data[64*CI*i +: 64*CI]),
      .ev_sh_valid_o       (ev_sh_valid[CI*i +: CI]),
      .block_lock_o        (port_block_lock_o[CI*i +: CI]),
      .marker_lock_o       (port_marker_lock_o[CI*i +: CI]),
      .lane_o              (port_lane_o[16*CI*i +: 16*CI]),
      .bip_errors_o        (port_bip_errors_o[CNT_W*CI*i +: CNT_W*CI]),
      .slips_o             (port_slips_o[CNT_W*CI*i +: CNT_W*CI]),
      .block_lock_losses_o (port_block_lock_losses_o[CNT_W*CI*i +: CNT_W*CI]),
      .marker_lock_losses_o(port_marker_lock_losses_o[CNT_W*CI*i +: CNT_W*CI]),
      .invalid_headers_o   (port_invalid_headers_o[CNT_W*CI*i +: CNT_W*CI]),
      .bits_o              (port_bits_o[POS_W*CI*i +: POS_W*CI])
    );
  end

  deskew #(
    .PORT_INSTANCES(CHANNEL_INSTANCES),
    .LANES        (LANES),
    .PORTS        (CHANNELS),
    .AM_PERIOD    (AM_PERIOD),
    .MAX_SKEW_BITS(MAX_SKEW_BITS),
    .POS_W        (POS_W),
    .G_W          (G_W),
    .CNT_W        (CNT_W)
  ) u_deskew (
    .clk_i              (clk_i),
    .rst_ni             (core_rst_nq),
    .ev_marker_i        (ev_marker),
    .ev_sym_i           (ev_sym),
    .ev_unlock_i        (ev_unlock),
    .ev_lane_i          (ev_lane),
    .ev_pos_i           (ev_pos),
    .ev_kind_i          (ev_kind),
    .ev_data_i          (ev_data),
    .ev_sh_valid_i      (ev_sh_valid),
    .rx_valid_o         (rx_valid_o),
    .rx_data_o          (rx_data_o),
    .aligned_o          (rx_aligned_o),
    .formed_o           (formed_o),
    .port_in_link_o     (port_in_link_o),
    .port_skew_o        (port_skew_o),
    .stripes_out_o      (stripes_out_o),
    .stripes_lost_o     (stripes_lost_o),
    .idle_slots_o       (idle_slots_o),
    .unreadable_slots_o (unreadable_slots_o),
    .formations_o       (formations_o),
    .joins_o            (joins_o),
    .skew_fault_o       (skew_fault_o),
    .skew_fault_spread_o(skew_fault_spread_o),
    .skew_fault_early_o (skew_fault_early_o),
    .skew_fault_late_o  (skew_fault_late_o),
    .dup_o              (dup_lane_o),
    .dup_lane_o         (dup_lane_lane_o),
    .dup_kept_o         (dup_lane_kept_o),
    .dup_refused_o      (dup_lane_refused_o)
  );

endmodule
