// tessera_tx_xbar: the reference for tx_diff_tb, tessera_tx as docs/spec.md describes it
// written the plain way: every channel picks its host word through an N x P x 64 crossbar,
// tx_data_i[{lane, 6'b0} +: 64], and the lane-map delay is a counter. Test bench only, not
// in rtl/tessera.f.
//
// Lane map in force (docs/spec.md, "Lane map in the RTL"): the written map becomes the map
// in force, all entries at once, at the end of the first clock x >= c + MAP_DELAY - 1 that
// ends a slot (any clock while rst_ni is low), c being the clock of the last write; a
// channel whose lane < LANES is also the lane of a lower-numbered channel that is not
// failed sends idle blocks.
//
// Function:   takes one stripe of LANES host words per block slot (not in marker slots),
//             sends logical lane i on the physical channel the lane map gives it, encodes
//             every channel (64b/66b, per-channel scrambler, marker every AM_PERIOD slots
//             starting at slot 0, running BIP-8) and serializes each 66-bit block bit 0
//             first, SER_W bits per channel per clock. Spare channels send idle and
//             markers with lane SPARE_LANE; failed channels send zeros and their encoder
//             stands still.
//             Lane map: one 17-bit entry per channel, {failed, lane[15:0]}; lane = 16'hFFFF
//             (SPARE_LANE) is a spare; a lane number >= LANES other than SPARE_LANE sends
//             idle and markers with that number. map_rst_ni resets it to the identity
//             (lane c on channel c for c < LANES, spares above, none failed). A write
//             (map_wr_i, channel map_channel_i, entry {map_failed_i, map_lane_i}); writes to
//             channels >= LANES+SPARES are ignored.
// Timing:     (docs/spec.md section 9) K = 66/SER_W clocks per slot, slot s starts on clock
//             s*K (clock 0 = first rising edge after rst_ni rises). tx_ready_o is high on
//             clock c iff c % K == 0 and slot c/K is not a marker slot; the stripe is taken
//             on a clock with tx_valid_i && tx_ready_o. tx_serial_o carries on clock c the
//             serial word (c-2) % K of slot (c-2)/K, zeros on clocks 0 and 1.
// Parameters: LANES (1..65535), SPARES (LANES+SPARES <= 65536), AM_PERIOD (4..2^24),
//             SER_W (divisor of 66).
// Latency:    TX_LATENCY = 2 clocks from the first clock of a slot to its first serial word.
module tessera_tx_xbar #(
  parameter int LANES     = 4,
  parameter int SPARES    = 1,
  parameter int AM_PERIOD = 16,
  parameter int SER_W     = 22
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  input  logic                             map_rst_ni,
  // Host stripe interface.
  input  logic                             tx_valid_i,
  input  logic [64*LANES-1:0]              tx_data_i,
  output logic                             tx_ready_o,
  // Lane-map write port.
  input  logic                             map_wr_i,
  input  logic [15:0]                      map_channel_i,
  input  logic [15:0]                      map_lane_i,
  input  logic                             map_failed_i,
  // Serial channels, channel c in bits [c*SER_W +: SER_W].
  output logic [SER_W*(LANES+SPARES)-1:0]  tx_serial_o
);

  // Spec constants (docs/spec.md).
  localparam int          BLOCK_BITS  = 66;
  localparam logic [15:0] SPARE_LANE  = 16'hFFFF;
  localparam int          TX_LATENCY  = 2;  // realised by tx_serializer's two registers

  // Derived.
  localparam int          CHANNELS    = LANES + SPARES;
  localparam int          K           = BLOCK_BITS / SER_W;  // clocks per block slot
  localparam int          PH_W        = (K > 1) ? $clog2(K) : 1;
  localparam int          AM_W        = $clog2(AM_PERIOD);
  localparam int          IDX_W       = (LANES > 1) ? $clog2(LANES) : 1;
  localparam logic [15:0] LANES16     = 16'(LANES);
  localparam logic [PH_W-1:0] PH_LAST = PH_W'(K - 1);
  localparam logic [AM_W-1:0] AM_LAST = AM_W'(AM_PERIOD - 1);

  param_assert #(
    .OK (LANES >= 1 && LANES <= 65535),
    .MSG("tessera_tx: LANES must be 1..65535")
  ) u_chk_lanes ();
  param_assert #(
    .OK (SPARES >= 0 && LANES + SPARES <= 65536),
    .MSG("tessera_tx: SPARES must be >= 0 with LANES + SPARES <= 65536")
  ) u_chk_spares ();
  param_assert #(
    .OK (AM_PERIOD >= 4 && AM_PERIOD <= 16777216),
    .MSG("tessera_tx: AM_PERIOD must be 4..2^24")
  ) u_chk_am_period ();
  param_assert #(
    .OK (SER_W >= 1 && SER_W <= BLOCK_BITS && (BLOCK_BITS % SER_W) == 0),
    .MSG("tessera_tx: SER_W must divide 66 (1, 2, 3, 6, 11, 22, 33, 66)")
  ) u_chk_ser_w ();
  param_assert #(
    .OK (TX_LATENCY == 2),
    .MSG("tessera_tx: TX_LATENCY is 2 by construction")
  ) u_chk_latency ();

  // ---------------------------------------------------------------------------------------
  // Slot timing: phase within the slot, and slot index modulo AM_PERIOD.
  // ---------------------------------------------------------------------------------------
  logic [PH_W-1:0] phase_q, phase_d;
  logic [AM_W-1:0] am_q, am_d;
  logic            slot_start, slot_end, marker_slot, take;

  assign slot_start  = (phase_q == {PH_W{1'b0}});
  assign slot_end    = (phase_q == PH_LAST);
  assign marker_slot = (am_q == {AM_W{1'b0}});
  assign tx_ready_o  = slot_start && !marker_slot;
  assign take        = tx_ready_o && tx_valid_i;

  assign phase_d = slot_end ? {PH_W{1'b0}} : phase_q + 1'b1;
  assign am_d    = !slot_end ? am_q : ((am_q == AM_LAST) ? {AM_W{1'b0}} : am_q + 1'b1);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      phase_q <= {PH_W{1'b0}};
      am_q    <= {AM_W{1'b0}};
    end else begin
      phase_q <= phase_d;
      am_q    <= am_d;
    end
  end

  // ---------------------------------------------------------------------------------------
  // The map in force: MAP_DELAY clocks after the last write, at a slot's end.
  // ---------------------------------------------------------------------------------------
  localparam int NL        = (CHANNELS > 1) ? $clog2(CHANNELS) : 1;
  localparam int MAP_DELAY = 2 * (1 << NL) + (NL - 1) * (1 << NL) / 2 + 3;

  logic        map_upd, pend_q, live_q, swap;
  int unsigned since_q;  // clocks since the clock of the last write, minus one

  assign map_upd = map_wr_i && ({1'b0, map_channel_i} < 17'(CHANNELS));
  assign swap    = pend_q && !map_upd && (since_q >= 32'(MAP_DELAY - 2)) && (!live_q || slot_end);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) live_q <= 1'b0;
    else         live_q <= 1'b1;
  end

  always_ff @(posedge clk_i or negedge map_rst_ni) begin
    if (!map_rst_ni) begin
      pend_q  <= 1'b0;
      since_q <= 0;
    end else if (map_upd) begin
      pend_q  <= 1'b1;
      since_q <= 0;
    end else begin
      pend_q  <= pend_q && !swap;
      since_q <= since_q + 1;
    end
  end

  logic [15:0] lane_a [CHANNELS];
  logic        failed_a [CHANNELS];

  // ---------------------------------------------------------------------------------------
  // Per channel: lane-map entry, lane select, encoder, serializer.
  // ---------------------------------------------------------------------------------------
  for (genvar c = 0; c < CHANNELS; c++) begin : gen_ch
    localparam logic [15:0] RESET_LANE = (c < LANES) ? 16'(c) : SPARE_LANE;

    logic [15:0]      lane_q;
    logic             failed_q;
    logic             carries_data, dup;
    logic [63:0]      word;
    logic [65:0]      block;

    always_ff @(posedge clk_i or negedge map_rst_ni) begin
      if (!map_rst_ni) begin
        lane_q      <= RESET_LANE;
        failed_q    <= 1'b0;
        lane_a[c]   <= RESET_LANE;
        failed_a[c] <= 1'b0;
      end else begin
        if (map_wr_i && map_channel_i == 16'(c)) begin
          lane_q   <= map_lane_i;
          failed_q <= map_failed_i;
        end
        if (swap) begin
          lane_a[c]   <= lane_q;
          failed_a[c] <= failed_q;
        end
      end
    end

    // A lower channel, not failed, with the same lane takes it.
    always @(*) begin
      dup = 1'b0;
      for (int b = 0; b < c; b++) begin
        if (!failed_a[b] && lane_a[b] == lane_a[c]) dup = 1'b1;
      end
    end

    // Lane lane_a's host word; spares (and lane numbers >= LANES) carry no data.
    assign carries_data = (lane_a[c] < LANES16) && !dup;
    if (LANES == 1) begin : gen_one_lane
      assign word = tx_data_i[63:0];
    end else begin : gen_lane_mux
      logic [IDX_W-1:0] idx;
      assign idx  = carries_data ? lane_a[c][IDX_W-1:0] : {IDX_W{1'b0}};
      assign word = tx_data_i[{idx, 6'b00_0000} +: 64];
    end

    lane_encoder u_lane_encoder (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .step_i      (slot_start),
      .failed_i    (failed_a[c]),
      .marker_i    (marker_slot),
      .data_valid_i(take && carries_data),
      .data_i      (word),
      .lane_i      (lane_a[c]),
      .block_o     (block)
    );

    tx_serializer #(
      .SER_W(SER_W)
    ) u_tx_serializer (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .load_i  (slot_start),
      .block_i (block),
      .serial_o(tx_serial_o[c*SER_W +: SER_W])
    );
  end

endmodule
