// benes_tab_ent: one entry of a benes_route table (pi_d or its inverse), two write ports.
//
// Function:   q_o <= d1_i when r1_i && c1_i, else d0_i when r0_i && c0_i, else holds (port
//             1 wins, as in the simulators' form); r and c are the entry's row and column
//             lines of a benes_dec (the row gated by the port's write enable). All zeros
//             after reset. benes_route's synthesis form (SYNTHESIS) is one instance per
//             entry, 2P per table.
// Parameters: W (bits, >= 1).
// Latency:    registered (the written value on the next clock).
module benes_tab_ent #(
  parameter int W = 3
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         r0_i,
  input  logic         c0_i,
  input  logic [W-1:0] d0_i,
  input  logic         r1_i,
  input  logic         c1_i,
  input  logic [W-1:0] d1_i,
  output logic [W-1:0] q_o
);

  param_assert #(
    .OK (W >= 1),
    .MSG("benes_tab_ent: need W >= 1")
  ) u_chk_params ();

  logic         s0, s1;
  logic [W-1:0] d, q_q;
  assign s0 = r0_i && c0_i;
  assign s1 = r1_i && c1_i;
  assign d  = s1 ? d1_i : d0_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      q_q <= W'(0);
    end else if (s0 || s1) begin
      q_q <= d;
    end
  end
  assign q_o = q_q;

endmodule
