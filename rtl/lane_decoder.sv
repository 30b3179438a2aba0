// lane_decoder: the RX ports' 64b/66b decoder (docs/spec.md 11.3, 11.4; model
// coding::Decoder64b66b): marker recognition, BIP-8 window and check, descrambling.
//
// Function:   for the block blk_i:
//               sh_valid_o      header is 0b01 or 0b10;
//               marker_valid_o  header 0b01, M0 = MARKER_SIGNATURE, M4..M6 = ~M0..M2
//                               (BIP bytes not part of the match); marker_lane_o = M2:M1;
//               sym_kind_o      SYM_DATA (header 0b10), SYM_IDLE (header 0b01, descrambled
//                               payload = IDLE_PAYLOAD) or SYM_INVALID; sym_data_o is the
//                               descrambled payload.
//             Actions on the clock edge: decode_i folds the block into the BIP-8 and
//             advances the descrambler; open_i restarts the BIP-8 window with the block;
//             close_i does the same and bip_err_o (combinational) says whether the window
//             it closes disagrees with both BIP3 and ~BIP7 of the block.
//             CH channels side by side, each its own BIP-8 and descrambler: channel c in
//             bit c of the 1-bit ports and [c*W +: W] of the W-bit ones (blk_i 66,
//             marker_lane_o 16, sym_kind_o 2, sym_data_o 64); one loop over the channels
//             (docs/rtl.md "Channel loops").
// Parameters: CH (>= 1).
// Latency:    outputs combinational; BIP-8 and descrambler state change at the edge.
module lane_decoder #(
  parameter int CH = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [CH*66-1:0] blk_i,
  input  logic [CH-1:0]    decode_i,
  input  logic [CH-1:0]    open_i,
  input  logic [CH-1:0]    close_i,
  output logic [CH-1:0]    sh_valid_o,
  output logic [CH-1:0]    marker_valid_o,
  output logic [CH*16-1:0] marker_lane_o,
  output logic [CH-1:0]    bip_err_o,
  output logic [CH*2-1:0]  sym_kind_o,
  output logic [CH*64-1:0] sym_data_o
);

  localparam logic [7:0]  MARKER_SIGNATURE = 8'hC1;
  localparam logic [63:0] IDLE_PAYLOAD     = 64'h0000_0000_0000_001E;
  localparam logic [1:0]  SH_DATA          = 2'b10;
  localparam logic [1:0]  SH_CONTROL       = 2'b01;
  localparam logic [1:0]  SYM_INVALID      = 2'd0;
  localparam logic [1:0]  SYM_DATA         = 2'd1;
  localparam logic [1:0]  SYM_IDLE         = 2'd2;

  logic [CH*8-1:0]  bip_q, bip_d, bip_fold, bip_open;
  logic [CH*64-1:0] payload, descr;

  // The payloads (descrambler input), in a function called once per evaluation
  // (docs/rtl.md "Channel loops"): Icarus does not re-propagate the payloads once per
  // channel; it reads blk_i itself, so the block names it.
  function automatic logic [CH*64-1:0] payloads();
    logic [CH*64-1:0] v;
    v = (CH*64)'(0);
    for (int c = 0; c < CH; c++) v[c*64 +: 64] = blk_i[c*66 + 2 +: 64];
    payloads = v;
  endfunction

  always @(blk_i) begin
    payload = payloads();
  end

  descrambler #(
    .CH         (CH),
    .RESET_STATE(64'h0)
  ) u_descrambler (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .en_i  (decode_i),
    .data_i(payload),
    .data_o(descr)
  );

  bip8 #(
    .CH(CH)
  ) u_bip8_fold (
    .block_i(blk_i),
    .bip_i  (bip_q),
    .bip_o  (bip_fold)
  );

  bip8 #(
    .CH(CH)
  ) u_bip8_open (
    .block_i(blk_i),
    .bip_i  ((CH*8)'(0)),
    .bip_o  (bip_open)
  );

  assign sym_data_o = descr;

  // Header, marker and BIP check: from the block as received. Like the loops below, a
  // function called once per evaluation (docs/rtl.md "Channel loops"). Returns {sh_valid,
  // marker_valid, marker_lane, bip_err}.
  function automatic logic [CH*19-1:0] check();
    logic [CH-1:0]    shv, mv, be;
    logic [CH*16-1:0] ml;
    logic [65:0]      blk;
    logic [1:0]       sh;
    logic [63:0]      pl;
    logic [7:0]       bip3, bip7;
    shv = CH'(0);
    mv  = CH'(0);
    be  = CH'(0);
    ml  = (CH*16)'(0);
    for (int c = 0; c < CH; c++) begin
      blk  = blk_i[c*66 +: 66];
      sh   = blk[1:0];
      pl   = blk[65:2];
      bip3 = pl[31:24];
      bip7 = pl[63:56];
      shv[c]         = (sh == SH_DATA) || (sh == SH_CONTROL);
      mv[c]          = (sh == SH_CONTROL) && (pl[7:0] == MARKER_SIGNATURE) &&
                       (pl[55:32] == ~pl[23:0]);
      ml[c*16 +: 16] = pl[23:8];
      be[c]          = (bip_q[c*8 +: 8] != bip3) && (bip_q[c*8 +: 8] != ~bip7);
    end
    check = {shv, mv, ml, be};
  endfunction

  logic [CH*19-1:0] check_r;
  always @(blk_i or bip_q) begin
    check_r = check();
  end
  assign {sh_valid_o, marker_valid_o, marker_lane_o, bip_err_o} = check_r;

  // Symbol kind: from the header and the descrambled payload.
  function automatic logic [CH*2-1:0] kinds();
    logic [CH*2-1:0] k;
    logic [1:0]      sh;
    k = (CH*2)'(0);
    for (int c = 0; c < CH; c++) begin
      sh = blk_i[c*66 +: 2];
      if (sh == SH_DATA) begin
        k[c*2 +: 2] = SYM_DATA;
      end else if (sh == SH_CONTROL && descr[c*64 +: 64] == IDLE_PAYLOAD) begin
        k[c*2 +: 2] = SYM_IDLE;
      end else begin
        k[c*2 +: 2] = SYM_INVALID;
      end
    end
    kinds = k;
  endfunction

  always @(blk_i or descr) begin
    sym_kind_o = kinds();
  end

  // The running BIP-8: restarted at a marker, folded over each decoded block (read only by
  // the register, so a plain loop).
  always @(*) begin
    bip_d = bip_q;
    for (int c = 0; c < CH; c++) begin
      if (open_i[c] || close_i[c]) bip_d[c*8 +: 8] = bip_open[c*8 +: 8];
      else if (decode_i[c])        bip_d[c*8 +: 8] = bip_fold[c*8 +: 8];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bip_q <= (CH*8)'(0);
    end else begin
      bip_q <= bip_d;
    end
  end

endmodule
