// port_tree_node: one node of port_tree, the better of two records.
//
// Function:   out = b when b is valid and a is not, or both are valid and b is better:
//             its key is smaller (MAX = 0) or larger (MAX = 1), or the keys are equal and
//             b's index is lower (TIE_HIGH = 0) or higher (TIE_HIGH = 1); else out = a. out
//             is valid when a or b is. Since ties are settled by the indices, the result
//             of a tree of these does not depend on the tree's shape. port_tree's
//             structural form (SYNTHESIS) is one instance of this per node, so that a
//             hierarchical synthesis maps it once.
// Parameters: KEY_W, PAY_W, IDX_W (>= 1), MAX, TIE_HIGH.
// Latency:    combinational.
module port_tree_node #(
  parameter int KEY_W    = 8,
  parameter int PAY_W    = 1,
  parameter int IDX_W    = 1,
  parameter bit MAX      = 1'b0,
  parameter bit TIE_HIGH = 1'b0
) (
  input  logic             a_valid_i,
  input  logic [KEY_W-1:0] a_key_i,
  input  logic [PAY_W-1:0] a_pay_i,
  input  logic [IDX_W-1:0] a_idx_i,
  input  logic             b_valid_i,
  input  logic [KEY_W-1:0] b_key_i,
  input  logic [PAY_W-1:0] b_pay_i,
  input  logic [IDX_W-1:0] b_idx_i,
  output logic             valid_o,
  output logic [KEY_W-1:0] key_o,
  output logic [PAY_W-1:0] pay_o,
  output logic [IDX_W-1:0] idx_o
);

  param_assert #(
    .OK (KEY_W >= 1 && PAY_W >= 1 && IDX_W >= 1),
    .MSG("port_tree_node: need KEY_W, PAY_W and IDX_W >= 1")
  ) u_chk_params ();

  logic b_key_better, b_idx_better, b_better, take_b;
  assign b_key_better = MAX ? (b_key_i > a_key_i) : (b_key_i < a_key_i);
  assign b_idx_better = TIE_HIGH ? (b_idx_i > a_idx_i) : (b_idx_i < a_idx_i);
  assign b_better     = b_key_better || (b_key_i == a_key_i && b_idx_better);
  assign take_b   = b_valid_i && (!a_valid_i || b_better);
  assign valid_o  = a_valid_i || b_valid_i;
  assign key_o    = take_b ? b_key_i : a_key_i;
  assign pay_o    = take_b ? b_pay_i : a_pay_i;
  assign idx_o    = take_b ? b_idx_i : a_idx_i;

endmodule
