// perm_sw: one 2x2 exchange of perm_net, two words in, the same two out, crossed or not.
//
// Function:   a_o = swap_i ? b_i : a_i, b_o = swap_i ? a_i : b_i. perm_net's structural
//             form (SYNTHESIS) is one instance of this per exchange of the network, so that
//             a hierarchical synthesis maps it once and counts instances.
// Parameters: W (bits per word, >= 1).
// Latency:    combinational.
module perm_sw #(
  parameter int W = 64
) (
  input  logic         swap_i,
  input  logic [W-1:0] a_i,
  input  logic [W-1:0] b_i,
  output logic [W-1:0] a_o,
  output logic [W-1:0] b_o
);

  param_assert #(
    .OK (W >= 1),
    .MSG("perm_sw: need W >= 1")
  ) u_chk_params ();

  assign a_o = swap_i ? b_i : a_i;
  assign b_o = swap_i ? a_i : b_i;

endmodule
