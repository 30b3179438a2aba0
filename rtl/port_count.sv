// port_count: the number of bits set among N (a count over the ports, for deskew).
//
// Function:   count_o = the number of ones in bits_i, W bits (W >= log2(N + 1), so it
//             cannot overflow). Simulators run a loop; synthesis (SYNTHESIS) reads a
//             tree of exactly N - 1 port_count_node adders, depth ceil(log2 N). rtl/run.sh
//             equiv proves the two forms equal.
// Parameters: N (bits, >= 1), W.
// Latency:    combinational.
module port_count #(
  parameter int N = 8,
  parameter int W = 4
) (
  input  logic [N-1:0] bits_i,
  output logic [W-1:0] count_o
);

  param_assert #(
    .OK (N >= 1 && W >= $clog2(N + 1) && W <= 32),
    .MSG("port_count: need N >= 1 and log2(N + 1) <= W <= 32")
  ) u_chk_params ();

`ifdef SYNTHESIS
  if (N > 1) begin : gen_tree
    // Heap order over exactly N leaves, as in port_tree: node n (1 .. N - 1) adds nodes 2n
    // and 2n + 1, leaf i is node N + i, node n is stored at n - 1.
    logic [(2*N-1)*W-1:0] t /* verilator split_var */;

    for (genvar i = 0; i < N; i++) begin : gen_leaf
      assign t[(N - 1 + i)*W +: W] = W'(bits_i[i]);
    end

    for (genvar n = 1; n < N; n++) begin : gen_node
      port_count_node #(
        .W(W)
      ) u_node (
        .a_i  (t[(2*n - 1)*W +: W]),
        .b_i  (t[2*n*W +: W]),
        .sum_o(t[(n - 1)*W +: W])
      );
    end

    assign count_o = t[0 +: W];
  end else begin : gen_one
    assign count_o = W'(bits_i[0]);
  end
`else
  always @(*) begin
    count_o = W'(0);
    for (int i = 0; i < N; i++) count_o = count_o + W'(bits_i[i]);
  end
`endif

endmodule
