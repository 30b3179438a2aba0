// benes_flag: one bit of a benes_route flag vector (entry valid, input / output taken,
// switch visited), synthesis form.
//
// Function:   q_o <= ld_d_i when ld_i (a load or clear of the whole vector), else s_i when
//             r_i && c_i (the entry addressed through a benes_dec), else holds. 0 after
//             reset.
// Parameters: none.
// Latency:    registered.
module benes_flag (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic ld_i,
  input  logic ld_d_i,
  input  logic r_i,
  input  logic c_i,
  input  logic s_i,
  output logic q_o
);

  logic q_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      q_q <= 1'b0;
    end else if (ld_i) begin
      q_q <= ld_d_i;
    end else if (r_i && c_i) begin
      q_q <= s_i;
    end
  end
  assign q_o = q_q;

endmodule
