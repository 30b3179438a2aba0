// port_count_node: one adder of port_count's tree.
//
// Function:   sum_o = a_i + b_i (W bits, the sum of two counts that cannot overflow W).
//             port_count's structural form (SYNTHESIS) is one instance of this per node.
// Parameters: W (>= 1).
// Latency:    combinational.
module port_count_node #(
  parameter int W = 8
) (
  input  logic [W-1:0] a_i,
  input  logic [W-1:0] b_i,
  output logic [W-1:0] sum_o
);

  param_assert #(
    .OK (W >= 1),
    .MSG("port_count_node: need W >= 1")
  ) u_chk_params ();

  assign sum_o = a_i + b_i;

endmodule
