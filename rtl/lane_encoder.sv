// lane_encoder: the physical channels' 64b/66b encoders (docs/spec.md sections 3-5, 8, 9).
//
// Function:   on a clock with step_i (the first clock of a block slot) channel c's
//             block_o is its 66-bit block for the slot and its state advances:
//               failed_i[c]         -> all zeros; scrambler and BIP-8 stand still;
//               marker_i            -> marker with lane c and BIP3 = running BIP-8, which
//                                      then restarts with the marker itself;
//               data_valid_i[c]     -> data block (header 0b10), data c scrambled;
//               otherwise           -> idle block (header 0b01), IDLE_PAYLOAD scrambled.
//             The running BIP-8 takes in every block as sent. block_o is meaningful only
//             on step_i clocks.
//             CH channels side by side, each its own scrambler and BIP-8; step_i and
//             marker_i are common: channel c in failed_i[c], data_valid_i[c],
//             [c*64 +: 64] of data_i, [c*16 +: 16] of lane_i and [c*66 +: 66] of block_o
//             (one loop over the channels, so a simulator runs one copy of the logic; see
//             docs/rtl.md "Channel loops").
// Parameters: CH (>= 1) channels.
// Latency:    block_o is combinational from the inputs and the state.
module lane_encoder #(
  parameter int CH = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             step_i,
  input  logic [CH-1:0]    failed_i,
  input  logic             marker_i,
  input  logic [CH-1:0]    data_valid_i,
  input  logic [CH*64-1:0] data_i,
  input  logic [CH*16-1:0] lane_i,
  output logic [CH*66-1:0] block_o
);

  localparam logic [63:0] IDLE_PAYLOAD = 64'h0000_0000_0000_001E;
  localparam logic [1:0]  SH_DATA      = 2'b10;
  localparam logic [1:0]  SH_CONTROL   = 2'b01;

  // The running BIP-8s as one vector, channel c in [c*8 +: 8] (Verilator 5.006 takes no
  // delayed assignment to an unpacked array's element in a loop of more than 64 iterations).
  logic [CH*8-1:0]  bip_q, bip_d, bip_base;
  logic [CH*64-1:0] scr_in, scr_out;
  logic [CH-1:0]    scr_en;
  logic [CH*66-1:0] marker_block, block;

  // Scrambler input: the channel's word on data, the idle payload otherwise; the scrambler
  // advances on data and idle blocks only.
  always @(*) begin
    scr_in = (CH*64)'(1'b0);
    scr_en = CH'(1'b0);
    for (int c = 0; c < CH; c++) begin
      scr_in[c*64 +: 64] = data_valid_i[c] ? data_i[c*64 +: 64] : IDLE_PAYLOAD;
      scr_en[c]          = step_i && !failed_i[c] && !marker_i;
    end
  end

  scrambler #(
    .CH         (CH),
    .RESET_STATE(64'hFFFF_FFFF_FFFF_FFFF)
  ) u_scrambler (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .en_i  (scr_en),
    .data_i(scr_in),
    .data_o(scr_out)
  );

  marker_build #(
    .CH(CH)
  ) u_marker_build (
    .lane_i (lane_i),
    .bip_i  (bip_q),
    .block_o(marker_block)
  );

  // The block sent, and the BIP-8 it is folded into (a marker restarts the BIP-8 window,
  // the marker included).
  always @(*) begin
    block    = (CH*66)'(1'b0);
    bip_base = (CH*8)'(1'b0);
    for (int c = 0; c < CH; c++) begin
      if (failed_i[c]) begin
        block[c*66 +: 66] = 66'h0;
      end else if (marker_i) begin
        block[c*66 +: 66] = marker_block[c*66 +: 66];
      end else begin
        block[c*66 +: 66] = {scr_out[c*64 +: 64], data_valid_i[c] ? SH_DATA : SH_CONTROL};
      end
      bip_base[c*8 +: 8] = marker_i ? 8'h00 : bip_q[c*8 +: 8];
    end
  end

  bip8 #(
    .CH(CH)
  ) u_bip8 (
    .block_i(block),
    .bip_i  (bip_base),
    .bip_o  (bip_d)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int c = 0; c < CH; c++) begin
        bip_q[c*8 +: 8] <= 8'h00;
      end
    end else begin
      for (int c = 0; c < CH; c++) begin
        if (step_i && !failed_i[c]) bip_q[c*8 +: 8] <= bip_d[c*8 +: 8];
      end
    end
  end

  assign block_o = block;

endmodule
