// marker_build: the alignment marker block of a channel (docs/spec.md section 5).
//
// Function:   block_o = control header 0b01 and the unscrambled payload
//             M0 = MARKER_SIGNATURE, M1 = lane_i[7:0], M2 = lane_i[15:8], BIP3 = bip_i,
//             then the complements M4..M6 and BIP7 = ~BIP3 (byte k in payload bits 8k+7:8k).
//             CH channels side by side: channel c in [c*16 +: 16], [c*8 +: 8], [c*66 +: 66].
// Parameters: CH (>= 1).
// Latency:    combinational.
module marker_build #(
  parameter int CH = 1
) (
  input  logic [CH*16-1:0] lane_i,
  input  logic [CH*8-1:0]  bip_i,
  output logic [CH*66-1:0] block_o
);

  localparam logic [7:0] MARKER_SIGNATURE = 8'hC1;
  localparam logic [1:0] SH_CONTROL       = 2'b01;

  logic [31:0] low;

  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      low                = {bip_i[c*8 +: 8], lane_i[c*16 +: 16], MARKER_SIGNATURE};
      block_o[c*66 +: 66] = {~low, low, SH_CONTROL};
    end
  end

endmodule
