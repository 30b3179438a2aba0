// marker_build: the alignment marker block of a channel (docs/spec.md section 5).
//
// Function:   block_o = control header 0b01 and the unscrambled payload
//             M0 = MARKER_SIGNATURE, M1 = lane_i[7:0], M2 = lane_i[15:8], BIP3 = bip_i,
//             then the complements M4..M6 and BIP7 = ~BIP3 (byte k in payload bits 8k+7:8k).
// Parameters: none.
// Latency:    combinational.
module marker_build (
  input  logic [15:0] lane_i,
  input  logic [7:0]  bip_i,
  output logic [65:0] block_o
);

  localparam logic [7:0] MARKER_SIGNATURE = 8'hC1;
  localparam logic [1:0] SH_CONTROL       = 2'b01;

  logic [31:0] low;

  assign low     = {bip_i, lane_i[15:8], lane_i[7:0], MARKER_SIGNATURE};
  assign block_o = {~low, low, SH_CONTROL};

endmodule
