// benes_lsb: one node of benes_prio's tree, the lower of two halves that has a hit.
//
// Function:   two halves, each (valid, index of its lowest hit, 0 when it has none) with W
//             index bits: v_o = lo_v_i || hi_v_i, i_o = lo_v_i ? {0, lo_i} : {hi_v_i, hi_i}
//             (so 0 again when neither has one).
// Parameters: W (index bits of a half, >= 1).
// Latency:    combinational, one 2:1 multiplexer.
module benes_lsb #(
  parameter int W = 1
) (
  input  logic         lo_v_i,
  input  logic [W-1:0] lo_i,
  input  logic         hi_v_i,
  input  logic [W-1:0] hi_i,
  output logic         v_o,
  output logic [W:0]   i_o
);

  param_assert #(
    .OK (W >= 1),
    .MSG("benes_lsb: need W >= 1")
  ) u_chk_params ();

  assign v_o = lo_v_i || hi_v_i;
  assign i_o = lo_v_i ? {1'b0, lo_i} : {hi_v_i, hi_i};

endmodule
