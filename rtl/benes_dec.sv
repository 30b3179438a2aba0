// benes_dec: a two-dimensional decoder of one address of benes_route (synthesis form).
//
// Function:   splits a_i into a row (its upper S - LO bits) and a column (its lower LO =
//             ceil(S/2) bits) and decodes both one-hot: r_o = en_i ? 1 << row : 0, c_o =
//             1 << column. Entry k of a table, flag vector or configuration stage is
//             addressed when r_o[k >> LO] && c_o[k % 2^LO]: one AND in the entry, and the
//             decoder's 2^(S - LO) + 2^LO outputs instead of 2^S.
// Parameters: S (address bits, >= 1).
// Latency:    combinational.
module benes_dec #(
  parameter int S = 3
) (
  input  logic          en_i,
  input  logic [S-1:0]  a_i,
  output logic [NR-1:0] r_o,
  output logic [NC-1:0] c_o
);

  localparam int LO = (S + 1) / 2;  // column bits
  localparam int HI = S - LO;       // row bits (0 at S = 1)
  localparam int NR = 1 << HI;
  localparam int NC = 1 << LO;

  param_assert #(
    .OK (S >= 1 && S <= 17),
    .MSG("benes_dec: need 1 <= S <= 17")
  ) u_chk_params ();

  if (HI == 0) begin : gen_row1
    assign r_o = en_i;
  end else begin : gen_rows
    assign r_o = en_i ? NR'(1) << a_i[S-1:LO] : NR'(0);
  end
  assign c_o = NC'(1) << a_i[LO-1:0];

endmodule
