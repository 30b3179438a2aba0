// sort_cx: one compare-exchange of sort_net, two keyed records in, in key order out.
//
// Function:   swap_o = en_i && a_key_i > b_key_i; lo_* is record b when swap_o, else a;
//             hi_* the other one. With en_i low the records pass unchanged (lo = a,
//             hi = b). sort_net's structural form (SYNTHESIS) is one instance of this per
//             compare-exchange, so that a hierarchical synthesis maps it once and counts
//             instances.
// Parameters: KEY_W, PAY_W (>= 1).
// Latency:    combinational.
// Area:       the comparison is a ripple from the least significant bit: where the two keys
//             differ, a is the greater when b has a 0 there, else the verdict of the bits
//             below stands. One XOR and one MUX per key bit, about 2 KEY_W + 2 (KEY_W +
//             PAY_W) gates in all. At KEY_W = 22, PAY_W = 5 the module is 98 gates; with
//             Yosys's own `>` (a subtractor) it was 163.
module sort_cx #(
  parameter int KEY_W = 8,
  parameter int PAY_W = 1
) (
  input  logic             en_i,
  input  logic [KEY_W-1:0] a_key_i,
  input  logic [PAY_W-1:0] a_pay_i,
  input  logic [KEY_W-1:0] b_key_i,
  input  logic [PAY_W-1:0] b_pay_i,
  output logic [KEY_W-1:0] lo_key_o,
  output logic [PAY_W-1:0] lo_pay_o,
  output logic [KEY_W-1:0] hi_key_o,
  output logic [PAY_W-1:0] hi_pay_o,
  output logic             swap_o
);

  param_assert #(
    .OK (KEY_W >= 1 && PAY_W >= 1),
    .MSG("sort_cx: need KEY_W >= 1 and PAY_W >= 1")
  ) u_chk_params ();

  function automatic logic greater(input logic [KEY_W-1:0] a, input logic [KEY_W-1:0] b);
    logic g;
    g = 1'b0;
    for (int i = 0; i < KEY_W; i++) g = (a[i] ^ b[i]) ? !b[i] : g;
    greater = g;
  endfunction

  assign swap_o   = en_i && greater(a_key_i, b_key_i);
  assign lo_key_o = swap_o ? b_key_i : a_key_i;
  assign lo_pay_o = swap_o ? b_pay_i : a_pay_i;
  assign hi_key_o = swap_o ? a_key_i : b_key_i;
  assign hi_pay_o = swap_o ? a_pay_i : b_pay_i;

endmodule
