// benes_prio: the lowest clear bit of a vector, a tree of benes_lsb nodes (benes_route's
// synthesis form: the fill's lowest free output, a level's lowest unvisited switch).
//
// Function:   idx_o = the lowest k with bits_i[k] == 0, 0 when there is none. Level 1 pairs
//             the bits (inline: a pair has a hit when either bit is clear), level l = 2 .. S
//             is 2^(S-l) benes_lsb #(l - 1) instances, so that a hierarchical synthesis maps
//             each node size once; depth S instead of the 2^S of a linear chain.
// Parameters: S (index bits, >= 1; 2^S bits).
// Latency:    combinational, S levels of 2:1 multiplexers.
module benes_prio #(
  parameter int S = 3
) (
  input  logic [N-1:0] bits_i,
  output logic [S-1:0] idx_o
);

  localparam int N = 1 << S;

  param_assert #(
    .OK (S >= 1 && S <= 17),
    .MSG("benes_prio: need 1 <= S <= 17")
  ) u_chk_params ();

  if (S == 1) begin : gen_pair
    assign idx_o = bits_i[0] && !bits_i[1];
  end else begin : gen_tree
    // Node k of level l: valid at v[N - (N >> (l-1)) + k], its l index bits at
    // ix[2N - (l+1) (N >> (l-1)) + k l +: l] (levels 1 .. l-1 take N - (N >> (l-1)) valid
    // and sum m N/2^m = 2N - (l+1) N/2^(l-1) index bits). (split_var: one vector through
    // all levels, else Verilator takes it for a combinational loop, UNOPTFLAT.)
    logic [N-2:0]     v  /* verilator split_var */;
    logic [2*N-S-3:0] ix /* verilator split_var */;

    for (genvar k = 0; k < N / 2; k++) begin : gen_leaf
      assign v[k]  = !bits_i[2*k] || !bits_i[2*k+1];
      assign ix[k] = bits_i[2*k] && !bits_i[2*k+1];
    end
    for (genvar l = 2; l <= S; l++) begin : gen_l
      localparam int VC = N - (N >> (l - 2));          // level l - 1 (children)
      localparam int IC = 2 * N - l * (N >> (l - 2));
      localparam int VO = N - (N >> (l - 1));          // level l
      localparam int IO = 2 * N - (l + 1) * (N >> (l - 1));
      for (genvar k = 0; k < (N >> l); k++) begin : gen_k
        benes_lsb #(
          .W(l - 1)
        ) u_n (
          .lo_v_i(v[VC + 2*k]),
          .lo_i  (ix[IC + 2*k*(l-1) +: l-1]),
          .hi_v_i(v[VC + 2*k + 1]),
          .hi_i  (ix[IC + (2*k+1)*(l-1) +: l-1]),
          .v_o   (v[VO + k]),
          .i_o   (ix[IO + k*l +: l])
        );
      end
    end

    // The root's valid is not needed: with no clear bit the index is 0.
    logic unused_root_v;
    assign unused_root_v = v[N-2];
    assign idx_o = ix[2*N-S-3 -: S];
  end

endmodule
