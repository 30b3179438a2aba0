// benes_cfg_bit: one switch's bit of benes_route's working and published configuration,
// synthesis form.
//
// Function:   the working bit takes d_i when en_i && r_i && c_i (its stage enabled, its
//             switch addressed through a benes_dec); on a clock with pub_i the published
//             bit cfg_o takes the working bit's next value (so a bit written on that clock
//             is published at once, as the middle stage is). Both 0 after reset.
// Parameters: none.
// Latency:    registered.
module benes_cfg_bit (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic en_i,
  input  logic r_i,
  input  logic c_i,
  input  logic d_i,
  input  logic pub_i,
  output logic cfg_o
);

  logic w_q, w_d, c_q;
  assign w_d = (en_i && r_i && c_i) ? d_i : w_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      w_q <= 1'b0;
      c_q <= 1'b0;
    end else begin
      w_q <= w_d;
      if (pub_i) c_q <= w_d;
    end
  end
  assign cfg_o = c_q;

endmodule
