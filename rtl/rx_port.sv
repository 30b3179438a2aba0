// rx_port: the per-port front end of the receiver (docs/spec.md 11.1-11.4; model
// rx::Receiver::step_port): deserializer with bit slip, block lock, marker lock, decoder
// and the port's status counters.
//
// Function:   per block taken from the line (at most one per clock):
//               slip             -> nothing passed on (a slip while locked loses block
//                                   lock, and marker lock with it: ev_unlock_o);
//               not block-locked -> nothing;
//               marker lock HUNT / CONFIRM, no candidate -> decoded (keeps the
//                                   descrambler in step), nothing passed on;
//               candidate        -> opens the BIP-8 window;
//               marker slot      -> closes the window (BIP error counted), ev_marker_o
//                                   with the lane and the block's arrival bit position;
//               payload          -> decoded, ev_sym_o with kind, data, header validity;
//               marker lock lost -> ev_unlock_o.
//             CH ports side by side, each its own framer, locks, decoder and counters:
//             port c in bit c of the 1-bit ports and [c*W +: W] of the W-bit ones
//             (serial_i SER_W, ev_lane_o / lane_o 16, ev_pos_o / bits_o POS_W, ev_kind_o 2,
//             ev_data_o 64, the counters CNT_W), the layout of tessera_rx's buses. Each
//             sub-module is instantiated once for all CH ports and loops over them
//             (docs/rtl.md "Channel loops").
// Parameters: CH (>= 1), SER_W, AM_PERIOD, POS_W (bit position width), CNT_W (status
//             counters, saturating).
// Latency:    events are combinational on the clock the block's 67th bit arrives.
module rx_port #(
  parameter int CH        = 1,
  parameter int SER_W     = 22,
  parameter int AM_PERIOD = 16,
  parameter int POS_W     = 48,
  parameter int CNT_W     = 32
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [CH*SER_W-1:0] serial_i,
  // Events for the deskew.
  output logic [CH-1:0]       ev_marker_o,
  output logic [CH-1:0]       ev_sym_o,
  output logic [CH-1:0]       ev_unlock_o,
  output logic [CH*16-1:0]    ev_lane_o,
  output logic [CH*POS_W-1:0] ev_pos_o,
  output logic [CH*2-1:0]     ev_kind_o,
  output logic [CH*64-1:0]    ev_data_o,
  output logic [CH-1:0]       ev_sh_valid_o,
  // Status.
  output logic [CH-1:0]       block_lock_o,
  output logic [CH-1:0]       marker_lock_o,
  output logic [CH*16-1:0]    lane_o,
  output logic [CH*CNT_W-1:0] bip_errors_o,
  output logic [CH*CNT_W-1:0] slips_o,
  output logic [CH*CNT_W-1:0] block_lock_losses_o,
  output logic [CH*CNT_W-1:0] marker_lock_losses_o,
  output logic [CH*CNT_W-1:0] invalid_headers_o,
  output logic [CH*POS_W-1:0] bits_o
);

  logic [CH-1:0]       blk_valid, slip, pass, bl_lost;
  logic [CH*66-1:0]    blk;
  logic [CH*POS_W-1:0] pos;
  logic [CH-1:0]       sh_valid, marker_valid, bip_err;
  logic [CH*16-1:0]    marker_lane;
  logic [CH-1:0]       ev_cand, ev_slot, slot_ok, gained, ev_payload, ev_lost, retry, ml_locked;
  logic [CH-1:0]       dec_decode, dec_open, dec_close;

  rx_deserializer #(
    .CH   (CH),
    .SER_W(SER_W),
    .POS_W(POS_W)
  ) u_rx_deserializer (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .serial_i   (serial_i),
    .slip_i     (slip),
    .blk_valid_o(blk_valid),
    .blk_o      (blk),
    .pos_o      (pos)
  );

  block_lock #(
    .CH(CH)
  ) u_block_lock (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .blk_valid_i(blk_valid),
    .sh_valid_i (sh_valid),
    .slip_o     (slip),
    .pass_o     (pass),
    .lost_o     (bl_lost),
    .locked_o   (block_lock_o)
  );

  marker_lock #(
    .CH       (CH),
    .AM_PERIOD(AM_PERIOD)
  ) u_marker_lock (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .clear_i       (bl_lost),
    .blk_valid_i   (pass),
    .marker_valid_i(marker_valid),
    .marker_lane_i (marker_lane),
    .ev_cand_o     (ev_cand),
    .ev_slot_o     (ev_slot),
    .slot_ok_o     (slot_ok),
    .gained_o      (gained),
    .ev_payload_o  (ev_payload),
    .ev_lost_o     (ev_lost),
    .retry_o       (retry),
    .locked_o      (ml_locked),
    .lane_o        (lane_o)
  );

  // Decoder actions (model: Unlocked and Lost without retry decode; Candidate and Lost
  // with retry open the window; a marker slot closes it; payload decodes). Bitwise over
  // the ports.
  assign dec_open   = pass & (ev_cand | (ev_lost & retry));
  assign dec_close  = pass & ev_slot;
  assign dec_decode = pass & ~dec_open & ~dec_close;

  lane_decoder #(
    .CH(CH)
  ) u_lane_decoder (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .blk_i         (blk),
    .decode_i      (dec_decode),
    .open_i        (dec_open),
    .close_i       (dec_close),
    .sh_valid_o    (sh_valid),
    .marker_valid_o(marker_valid),
    .marker_lane_o (marker_lane),
    .bip_err_o     (bip_err),
    .sym_kind_o    (ev_kind_o),
    .sym_data_o    (ev_data_o)
  );

  assign ev_marker_o   = pass & ev_slot;
  assign ev_sym_o      = pass & ev_payload;
  assign ev_unlock_o   = bl_lost | (pass & ev_lost);
  assign ev_lane_o     = lane_o;
  assign ev_pos_o      = pos;
  assign ev_sh_valid_o = sh_valid;
  assign marker_lock_o = ml_locked;
  assign bits_o        = pos;

  // Status counters, saturating; port c's in [c*CNT_W +: CNT_W].
  logic [CH*CNT_W-1:0] bip_q, slips_q, bl_loss_q, ml_loss_q, invh_q;
  logic [CH-1:0]       ml_loss_ev, bip_inc, slips_inc, bl_loss_inc, ml_loss_inc, invh_inc;

  assign ml_loss_ev  = (bl_lost & ml_locked) | (pass & ev_lost);
  assign bip_inc     = dec_close & bip_err;
  assign slips_inc   = blk_valid & slip;
  assign bl_loss_inc = bl_lost;
  assign ml_loss_inc = ml_loss_ev;
  assign invh_inc    = pass & ~sh_valid;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bip_q     <= (CH*CNT_W)'(0);
      slips_q   <= (CH*CNT_W)'(0);
      bl_loss_q <= (CH*CNT_W)'(0);
      ml_loss_q <= (CH*CNT_W)'(0);
      invh_q    <= (CH*CNT_W)'(0);
    end else begin
      for (int c = 0; c < CH; c++) begin
        if (bip_inc[c] && !(&bip_q[c*CNT_W +: CNT_W])) begin
          bip_q[c*CNT_W +: CNT_W] <= bip_q[c*CNT_W +: CNT_W] + 1'b1;
        end
        if (slips_inc[c] && !(&slips_q[c*CNT_W +: CNT_W])) begin
          slips_q[c*CNT_W +: CNT_W] <= slips_q[c*CNT_W +: CNT_W] + 1'b1;
        end
        if (bl_loss_inc[c] && !(&bl_loss_q[c*CNT_W +: CNT_W])) begin
          bl_loss_q[c*CNT_W +: CNT_W] <= bl_loss_q[c*CNT_W +: CNT_W] + 1'b1;
        end
        if (ml_loss_inc[c] && !(&ml_loss_q[c*CNT_W +: CNT_W])) begin
          ml_loss_q[c*CNT_W +: CNT_W] <= ml_loss_q[c*CNT_W +: CNT_W] + 1'b1;
        end
        if (invh_inc[c] && !(&invh_q[c*CNT_W +: CNT_W])) begin
          invh_q[c*CNT_W +: CNT_W] <= invh_q[c*CNT_W +: CNT_W] + 1'b1;
        end
      end
    end
  end

  assign bip_errors_o         = bip_q;
  assign slips_o              = slips_q;
  assign block_lock_losses_o  = bl_loss_q;
  assign marker_lock_losses_o = ml_loss_q;
  assign invalid_headers_o    = invh_q;

  // slot_ok and gained are carried for completeness of the marker-lock interface; the
  // deskew takes every marker slot of a locked lane, valid or not (model: Slot event).
  logic unused_ok;
  assign unused_ok = ^(slot_ok ^ gained);

endmodule
