// bip8: folds one 66-bit block into a running BIP-8 (802.3 Table 82-4).
//
// Function:   bip_o = bip_i ^ parity(block_i), where parity bit i is the XOR of payload
//             bits i, i+8, ..., i+56 (block bits i+2, ..., i+58), with sync header bit 0
//             also folded into bit 3 and header bit 1 into bit 4 (docs/spec.md section 5).
// Parameters: none.
// Latency:    combinational.
module bip8 (
  input  logic [65:0] block_i,
  input  logic [7:0]  bip_i,
  output logic [7:0]  bip_o
);

  logic [63:0] payload;
  logic [7:0]  fold;

  assign payload = block_i[65:2];

  always @(*) begin
    fold = 8'h00;
    for (int b = 0; b < 8; b++) begin
      fold = fold ^ payload[8*b +: 8];
    end
  end

  assign bip_o = bip_i ^ fold ^ {3'b000, block_i[1], block_i[0], 3'b000};

endmodule
