// benes_rdcol: one bit-column read of benes_route's tables, a 2^S : 1 multiplexer.
//
// Function:   bit_o = col_i[sel_i], as a balanced tree of 2^S - 1 two-input multiplexers
//             (sel_i[0] at the leaves). benes_route's synthesis form (SYNTHESIS) reads each
//             bit of a table entry through one instance of this, so that a hierarchical
//             synthesis maps it once per size and counts instances.
// Parameters: S (select bits, >= 1; 2^S entries).
// Latency:    combinational, S levels of 2:1 multiplexers.
module benes_rdcol #(
  parameter int S = 3
) (
  input  logic [N-1:0] col_i,
  input  logic [S-1:0] sel_i,
  output logic         bit_o
);

  localparam int N = 1 << S;

  param_assert #(
    .OK (S >= 1 && S <= 17),
    .MSG("benes_rdcol: need 1 <= S <= 17")
  ) u_chk_params ();

  // Level s halves the candidates, in place: tree[k] := tree[2k] or tree[2k + 1]. (A plain
  // always block: Icarus 11 does not take constant selects in always_comb.)
  logic [N-1:0] tree;
  always @(*) begin : p_tree
    tree = col_i;
    for (int s = 0; s < S; s++) begin
      for (int k = 0; k < (N >> (s + 1)); k++) begin
        tree[k] = sel_i[s] ? tree[2*k+1] : tree[2*k];
      end
    end
    bit_o = tree[0];
  end

endmodule
