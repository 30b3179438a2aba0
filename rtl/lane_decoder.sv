// lane_decoder: one RX port's 64b/66b decoder (docs/spec.md 11.3, 11.4; model
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
// Parameters: none.
// Latency:    outputs combinational; BIP-8 and descrambler state change at the edge.
module lane_decoder (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [65:0] blk_i,
  input  logic        decode_i,
  input  logic        open_i,
  input  logic        close_i,
  output logic        sh_valid_o,
  output logic        marker_valid_o,
  output logic [15:0] marker_lane_o,
  output logic        bip_err_o,
  output logic [1:0]  sym_kind_o,
  output logic [63:0] sym_data_o
);

  localparam logic [7:0]  MARKER_SIGNATURE = 8'hC1;
  localparam logic [63:0] IDLE_PAYLOAD     = 64'h0000_0000_0000_001E;
  localparam logic [1:0]  SH_DATA          = 2'b10;
  localparam logic [1:0]  SH_CONTROL       = 2'b01;
  localparam logic [1:0]  SYM_INVALID      = 2'd0;
  localparam logic [1:0]  SYM_DATA         = 2'd1;
  localparam logic [1:0]  SYM_IDLE         = 2'd2;

  logic [63:0] payload, descr;
  logic [7:0]  bip_q, bip_d, bip_fold, bip_open, bip3, bip7;

  assign payload        = blk_i[65:2];
  assign sh_valid_o     = (blk_i[1:0] == SH_DATA) || (blk_i[1:0] == SH_CONTROL);
  assign marker_valid_o = (blk_i[1:0] == SH_CONTROL) && (payload[7:0] == MARKER_SIGNATURE) &&
                          (payload[55:32] == ~payload[23:0]);
  assign marker_lane_o  = payload[23:8];
  assign bip3           = payload[31:24];
  assign bip7           = payload[63:56];

  descrambler #(
    .RESET_STATE(64'h0)
  ) u_descrambler (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .en_i  (decode_i),
    .data_i(payload),
    .data_o(descr)
  );

  assign sym_data_o = descr;
  always @(*) begin
    if (blk_i[1:0] == SH_DATA) begin
      sym_kind_o = SYM_DATA;
    end else if (blk_i[1:0] == SH_CONTROL && descr == IDLE_PAYLOAD) begin
      sym_kind_o = SYM_IDLE;
    end else begin
      sym_kind_o = SYM_INVALID;
    end
  end

  bip8 u_bip8_fold (
    .block_i(blk_i),
    .bip_i  (bip_q),
    .bip_o  (bip_fold)
  );

  bip8 u_bip8_open (
    .block_i(blk_i),
    .bip_i  (8'h00),
    .bip_o  (bip_open)
  );

  assign bip_err_o = (bip_q != bip3) && (bip_q != ~bip7);

  always @(*) begin
    bip_d = bip_q;
    if (open_i || close_i) begin
      bip_d = bip_open;
    end else if (decode_i) begin
      bip_d = bip_fold;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bip_q <= 8'h00;
    end else begin
      bip_q <= bip_d;
    end
  end

endmodule
