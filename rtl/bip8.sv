// bip8: folds one 66-bit block into a running BIP-8 (802.3 Table 82-4).
//
// Function:   bip_o = bip_i ^ parity(block_i), where parity bit i is the XOR of payload
//             bits i, i+8, ..., i+56 (block bits i+2, ..., i+58), with sync header bit 0
//             also folded into bit 3 and header bit 1 into bit 4 (docs/spec.md section 5).
//             CH channels side by side: channel c in [c*66 +: 66] and [c*8 +: 8].
// Parameters: CH (>= 1).
// Latency:    combinational.
module bip8 #(
  parameter int CH = 1
) (
  input  logic [CH*66-1:0] block_i,
  input  logic [CH*8-1:0]  bip_i,
  output logic [CH*8-1:0]  bip_o
);

  // One function for all channels, called once per evaluation (docs/rtl.md "Channel
  // loops"); it reads block_i and bip_i, which its block names.
  function automatic logic [CH*8-1:0] fold_all();
    logic [CH*8-1:0] v;
    logic [65:0]     block;
    logic [7:0]      fold;
    v = (CH*8)'(0);
    for (int c = 0; c < CH; c++) begin
      block = block_i[c*66 +: 66];
      fold  = {3'b000, block[1], block[0], 3'b000};
      for (int b = 0; b < 8; b++) begin
        fold = fold ^ block[2 + 8*b +: 8];
      end
      v[c*8 +: 8] = bip_i[c*8 +: 8] ^ fold;
    end
    fold_all = v;
  endfunction

  always @(block_i or bip_i) begin
    bip_o = fold_all();
  end

endmodule
