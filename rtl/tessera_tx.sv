// tessera_tx: the Tessera transmitter (docs/spec.md sections 2-9; docs/rtl.md).
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
//             idle and markers with that number; a lane < LANES that a lower-numbered live
//             channel also carries sends idle and markers with that number. map_rst_ni
//             resets it to the identity (lane c on channel c for c < LANES, spares above,
//             none failed). Writes (map_wr_i, channel map_channel_i, entry {map_failed_i,
//             map_lane_i}) change the map as written; the map in force follows, all of it
//             at once, from the first slot that starts on a clock >= c + MAP_DELAY after
//             the last write on clock c (docs/spec.md, "Lane map in the RTL"), at once while
//             rst_ni is low; writes to channels >= LANES+SPARES are ignored.
// Timing:     (docs/spec.md section 9) K = 66/SER_W clocks per slot, slot s starts on clock
//             s*K (clock 0 = first rising edge after rst_ni rises). tx_ready_o is high on
//             clock c iff c % K == 0 and slot c/K is not a marker slot; the stripe is taken
//             on a clock with tx_valid_i && tx_ready_o. tx_serial_o carries on clock c the
//             serial word (c-2) % K of slot (c-2)/K, zeros on clocks 0 and 1.
// Parameters: LANES (1..65535), SPARES (LANES+SPARES <= 65536), AM_PERIOD (4..2^24),
//             SER_W (divisor of 66).
// Structure:  the lane select is a Beneš network on 2^NL >= LANES+SPARES ports (benes_net,
//             (2 NL - 1) 2^(NL-1) two-by-two word switches) configured by the sequential
//             routing unit benes_route in R(NL) clocks after a map write, instead of one
//             LANES:1 word multiplexer per channel. The per-channel logic (lane-map
//             entries, lane_encoder with its scrambler and BIP-8, tx_serializer) handles
//             the CHANNELS channels side by side in loops over the channels: one
//             lane_encoder and one tx_serializer with CH = CHANNELS for simulators, one
//             instance of each per channel (CH = 1) for synthesis (SYNTHESIS) or with
//             TESSERA_CHANNEL_INSTANCES defined (docs/rtl.md "Channel loops").
// Latency:    TX_LATENCY = 2 clocks from the first clock of a slot to its first serial word;
//             MAP_DELAY = R(NL) + 2 = 2^(NL+1) + (NL - 1) 2^(NL-1) + 3 clocks from a map write
//             to the first slot that may use it (7 at 2 channels, 6 659 at 1 024).
module tessera_tx #(
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
  // Lane map and lane select (docs/spec.md section 9, "Lane map in the RTL"; docs/benes.md).
  // lane_q / failed_q: the map as written. Every accepted write restarts the routing unit
  // (gather mode: entry c = channel c's lane, empty for a spare, a failed channel or a
  // lane number >= LANES) on the map as it is after this clock. When it is done, the map
  // in force (lane_a_q, failed_a_q, kept_a_q) and the Beneš network's live configuration
  // (cfg_live_q) take the new values together at the end of a slot (at once while rst_ni
  // is low): a write on clock c is in force from the first slot that starts on a clock
  // >= c + MAP_DELAY, and a later write before then supersedes it.
  // ---------------------------------------------------------------------------------------
  localparam int NL        = (CHANNELS > 1) ? $clog2(CHANNELS) : 1;  // network: 2^NL ports
  localparam int NP        = 1 << NL;
  localparam int CFG_W     = (2 * NL - 1) * NP / 2;
  // MAP_DELAY = R(NL) + 2 = 2 NP + (NL - 1) NP / 2 + 3 clocks (docs/benes.md section 4).

  logic                      map_upd;
  logic [16*CHANNELS-1:0]    map_lane_d;
  logic [CHANNELS-1:0]       map_failed_d;
  logic [NP-1:0]             route_valid;
  logic [NP*NL-1:0]          route_entry;
  logic                      route_done, route_busy, route_dup;
  logic [NP-1:0]             route_kept;
  logic [CHANNELS-1:0]       kept_a_q;   // in force: the channel's lane entry was loaded
  logic [CFG_W-1:0]          route_cfg, cfg_live_q;
  logic                      ready_q, live_q, swap;
  logic [64*NP-1:0]          net_in, net_out;
  logic [64*CHANNELS-1:0]    words;

  assign map_upd = map_wr_i && ({1'b0, map_channel_i} < 17'(CHANNELS));

  // The map as vectors, channel c in [c*16 +: 16] and [c] (Verilator 5.006 takes no
  // delayed assignment to an unpacked array's element in a loop of more than 64
  // iterations). lane_a_q / failed_a_q: the map in force.
  logic [16*CHANNELS-1:0] lane_q, lane_a_q;
  logic [CHANNELS-1:0]    failed_q, failed_a_q, data_valid;
  logic [66*CHANNELS-1:0] blocks;

  // The map after this clock (the routing unit's entries) and which channels take data
  // (spares and lane numbers >= LANES carry none).
  always @(*) begin
    map_lane_d   = (16*CHANNELS)'(1'b0);
    map_failed_d = CHANNELS'(1'b0);
    route_valid  = NP'(1'b0);
    route_entry  = (NP*NL)'(1'b0);
    data_valid   = CHANNELS'(1'b0);
    for (int c = 0; c < CHANNELS; c++) begin
      map_lane_d[c*16 +: 16]  = (map_wr_i && (map_channel_i == 16'(c))) ? map_lane_i :
                                                                            lane_q[c*16 +: 16];
      map_failed_d[c]         = (map_wr_i && (map_channel_i == 16'(c))) ? map_failed_i :
                                                                            failed_q[c];
      route_valid[c]          = !map_failed_d[c] && (map_lane_d[c*16 +: 16] < LANES16);
      route_entry[c*NL +: NL] = map_lane_d[c*16 +: NL];
      data_valid[c]           = take && (lane_a_q[c*16 +: 16] < LANES16) && kept_a_q[c];
    end
  end

  always_ff @(posedge clk_i or negedge map_rst_ni) begin
    if (!map_rst_ni) begin
      for (int c = 0; c < CHANNELS; c++) begin
        lane_q[c*16 +: 16] <= (c < LANES) ? 16'(c) : SPARE_LANE;
        failed_q[c]        <= 1'b0;
      end
    end else begin
      for (int c = 0; c < CHANNELS; c++) begin
        if (map_wr_i && (map_channel_i == 16'(c))) begin
          lane_q[c*16 +: 16] <= map_lane_i;
          failed_q[c]        <= map_failed_i;
        end
      end
    end
  end

  benes_route #(
    .L     (NL),
    .GATHER(1'b1)
  ) u_benes_route (
    .clk_i  (clk_i),
    .rst_ni (map_rst_ni),
    .start_i(map_upd),
    .valid_i(route_valid),
    .entry_i(route_entry),
    .busy_o (route_busy),
    .done_o (route_done),
    .dup_o  (route_dup),
    .kept_o (route_kept),
    .cfg_o  (route_cfg)
  );

  // A map with one lane on two live channels: the routing unit loads the lower channel's
  // entry only (kept); the other sends idle blocks (docs/spec.md). busy and the duplicate
  // flag are not needed here.
  logic unused_route;
  assign unused_route = route_busy ^ route_dup;
  if (NP > CHANNELS) begin : gen_unused_kept
    logic unused_kept;
    assign unused_kept = ^route_kept[NP-1:CHANNELS];
  end

  // The new map is taken at the end of a slot (a failed channel's zeros start on the
  // serial output at once), at once while rst_ni is low (live_q low).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) live_q <= 1'b0;
    else         live_q <= 1'b1;
  end

  assign swap = (ready_q || route_done) && !map_upd && (!live_q || slot_end);

  always_ff @(posedge clk_i or negedge map_rst_ni) begin
    if (!map_rst_ni) begin
      ready_q    <= 1'b0;
      cfg_live_q <= CFG_W'(1'b0);
      failed_a_q <= CHANNELS'(1'b0);
      kept_a_q   <= {CHANNELS{1'b1}};
      for (int c = 0; c < CHANNELS; c++) begin
        lane_a_q[c*16 +: 16] <= (c < LANES) ? 16'(c) : SPARE_LANE;
      end
    end else begin
      ready_q <= !map_upd && !swap && (ready_q || route_done);
      if (swap) begin
        cfg_live_q <= route_cfg;
        lane_a_q   <= lane_q;
        failed_a_q <= failed_q;
        kept_a_q   <= route_kept[CHANNELS-1:0];
      end
    end
  end

  // The lanes' host words at network inputs 0 .. LANES-1 (the others zero), channel c's
  // word at output c.
  if (NP > LANES) begin : gen_pad
    assign net_in = {(64*(NP-LANES))'(1'b0), tx_data_i};
  end else begin : gen_no_pad
    assign net_in = tx_data_i;
  end

  benes_net #(
    .L(NL),
    .W(64)
  ) u_benes_net (
    .cfg_i (cfg_live_q),
    .word_i(net_in),
    .word_o(net_out)
  );

  assign words = net_out[64*CHANNELS-1:0];
  if (NP > CHANNELS) begin : gen_unused_outputs
    logic unused_net_out;
    assign unused_net_out = ^net_out[64*NP-1:64*CHANNELS];
  end

  // Encoders and serializers: one instance per channel for synthesis (Yosys then
  // synthesizes lane_encoder and tx_serializer once each), one CHANNELS-wide instance of
  // each for simulators (docs/rtl.md "Channel loops").
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
    lane_encoder #(
      .CH(CI)
    ) u_lane_encoder (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .step_i      (slot_start),
      .failed_i    (failed_a_q[CI*i +: CI]),
      .marker_i    (marker_slot),
      .data_valid_i(data_valid[CI*i +: CI]),
      .data_i      (words[64*CI*i +: 64*CI]),
      .lane_i      (lane_a_q[16*CI*i +: 16*CI]),
      .block_o     (blocks[66*CI*i +: 66*CI])
    );

    tx_serializer #(
      .CH   (CI),
      .SER_W(SER_W)
    ) u_tx_serializer (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .load_i  (slot_start),
      .block_i (blocks[66*CI*i +: 66*CI]),
      .serial_o(tx_serial_o[SER_W*CI*i +: SER_W*CI])
    );
  end

endmodule
