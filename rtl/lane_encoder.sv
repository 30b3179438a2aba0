// lane_encoder: one physical channel's 64b/66b encoder (docs/spec.md sections 3-5, 8, 9).
//
// Function:   on a clock with step_i (the first clock of a block slot) block_o is the
//             channel's 66-bit block for the slot and the state advances:
//               failed_i            -> all zeros; scrambler and BIP-8 stand still;
//               marker_i            -> marker with lane_i and BIP3 = running BIP-8, which
//                                      then restarts with the marker itself;
//               data_valid_i        -> data block (header 0b10), data_i scrambled;
//               otherwise           -> idle block (header 0b01), IDLE_PAYLOAD scrambled.
//             The running BIP-8 takes in every block as sent. block_o is meaningful only
//             on step_i clocks.
// Parameters: none.
// Latency:    block_o is combinational from the inputs and the state.
module lane_encoder (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        step_i,
  input  logic        failed_i,
  input  logic        marker_i,
  input  logic        data_valid_i,
  input  logic [63:0] data_i,
  input  logic [15:0] lane_i,
  output logic [65:0] block_o
);

  localparam logic [63:0] IDLE_PAYLOAD = 64'h0000_0000_0000_001E;
  localparam logic [1:0]  SH_DATA      = 2'b10;
  localparam logic [1:0]  SH_CONTROL   = 2'b01;

  logic [63:0] scr_in, scr_out;
  logic        scr_en;
  logic [65:0] marker_block, block;
  logic [7:0]  bip_q, bip_d, bip_base;

  assign scr_in = data_valid_i ? data_i : IDLE_PAYLOAD;
  assign scr_en = step_i && !failed_i && !marker_i;

  scrambler #(
    .RESET_STATE(64'hFFFF_FFFF_FFFF_FFFF)
  ) u_scrambler (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .en_i  (scr_en),
    .data_i(scr_in),
    .data_o(scr_out)
  );

  marker_build u_marker_build (
    .lane_i (lane_i),
    .bip_i  (bip_q),
    .block_o(marker_block)
  );

  always @(*) begin
    if (failed_i) begin
      block = 66'h0;
    end else if (marker_i) begin
      block = marker_block;
    end else begin
      block = {scr_out, data_valid_i ? SH_DATA : SH_CONTROL};
    end
  end

  // A marker restarts the BIP-8 window, the marker included.
  assign bip_base = marker_i ? 8'h00 : bip_q;

  bip8 u_bip8 (
    .block_i(block),
    .bip_i  (bip_base),
    .bip_o  (bip_d)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bip_q <= 8'h00;
    end else if (step_i && !failed_i) begin
      bip_q <= bip_d;
    end
  end

  assign block_o = block;

endmodule
