// perm_net: sends N words through the exchange pattern a sort_net of the same N took.
//
// Function:   with REVERSE = 0 the words go the way sort_net's records went: the word at
//             input i comes out where record i came out. With REVERSE = 1 they go back: the
//             word at sorted position s comes out at the input position of the record that
//             was sorted to s. swap_i is sort_net's swap_o. The exchanges of a layer are
//             disjoint, so each layer is one row of 2:1 multiplexer pairs. For synthesis
//             (SYNTHESIS) each pair is a perm_sw instance, one per exchange of the network.
// Parameters: N (words, as the sort_net's), W (bits per word).
// Latency:    combinational.
module perm_net #(
  parameter int N       = 8,
  parameter int W       = 64,
  parameter bit REVERSE = 1'b0
) (
  input  logic [LAYERS*N-1:0] swap_i,
  input  logic [N*W-1:0]      data_i,
  output logic [N*W-1:0]      data_o
);

  // Derived, as in sort_net.
  localparam int L      = (N > 1) ? $clog2(N) : 1;
  localparam int LAYERS = L * (L + 1) / 2;

  param_assert #(
    .OK (N >= 1 && W >= 1),
    .MSG("perm_net: need N >= 1 and W >= 1")
  ) u_chk_params ();

`ifdef SYNTHESIS
  // Structural form for synthesis tools, as in sort_net: stage s applies layer s forwards,
  // layer LAYERS - 1 - s backwards; one perm_sw instance per exchange (at its low end x,
  // driving x and x + GAP), so that a hierarchical synthesis maps perm_sw once and counts
  // its instances.
  // Stage s's input words are [s*N +: N] of dv, its output [(s+1)*N +: N]. (split_var:
  // else Verilator, linting this form, takes the one vector through all stages for a
  // combinational loop, UNOPTFLAT.)
  logic [(LAYERS+1)*N*W-1:0] dv /* verilator split_var */;

  if (N == 1) begin : gen_one
    logic unused_swap;  // no exchange
    assign unused_swap = ^swap_i;
  end

  assign dv[0 +: N*W] = data_i;
  for (genvar t = 0; t < L; t++) begin : gen_t
    for (genvar u = t; u >= 0; u--) begin : gen_u
      localparam int LY  = t * (t + 1) / 2 + t - u;
      localparam int ST  = REVERSE ? LAYERS - 1 - LY : LY;
      localparam int GAP = 1 << u;
      localparam int R   = GAP % (1 << t);
      for (genvar x = 0; x < N; x++) begin : gen_x
        localparam int LO = (N > 1 && x >= R && ((x - R) % (2 * GAP)) < GAP && x + GAP < N &&
                             (x >> (t + 1)) == ((x + GAP) >> (t + 1))) ? 1 : 0;
        localparam int HI = (N > 1 && x >= GAP + R && ((x - GAP - R) % (2 * GAP)) < GAP &&
                             (x >> (t + 1)) == ((x - GAP) >> (t + 1))) ? 1 : 0;
        localparam int I0 = ST * N + x;
        localparam int O0 = (ST + 1) * N + x;
        if (LO == 1) begin : gen_lo
          // Words x and x + GAP: one exchange, set by the sort's swap flag at x.
          perm_sw #(
            .W(W)
          ) u_sw (
            .swap_i(swap_i[LY*N + x]),
            .a_i   (dv[I0*W +: W]),
            .b_i   (dv[(I0+GAP)*W +: W]),
            .a_o   (dv[O0*W +: W]),
            .b_o   (dv[(O0+GAP)*W +: W])
          );
        end else if (HI == 0) begin : gen_pass
          // (A high end, HI, is driven by the exchange at x - GAP; any other word passes.)
          assign dv[O0*W +: W] = dv[I0*W +: W];
        end
      end
    end
  end
  assign data_o = dv[LAYERS*N*W +: N*W];
`else
  // Procedural form, for simulators: the loops stay loops in a Verilated model's C++, and
  // the words sit in an unpacked array (one machine word each) while they are exchanged.
  // It is a function, called once per evaluation (docs/rtl.md "Channel loops"): its
  // variables are automatic, so Icarus does not re-propagate data_o once per word; it
  // reads swap_i and data_i itself (no argument copies in a Verilated model), so the block
  // names them.
  localparam int NP = 1 << L;  // the power of two the loops run over
  function automatic logic [N*W-1:0] permuted();
    logic [W-1:0]   dw [N];
    logic [W-1:0]   da;
    logic [N*W-1:0] v;
    for (int x = 0; x < N; x++) dw[x] = data_i[x*W +: W];
    if (REVERSE) begin
      for (int t = L - 1; t >= 0; t--) begin
        for (int u = 0; u <= t; u++) begin
          for (int j = (1 << u) % (1 << t); j + (1 << u) < NP; j = j + (2 << u)) begin
            for (int i = 0; i < (1 << u); i++) begin
              if (N > 1 && i + j + (1 << u) < N &&
                  ((i + j) >> (t + 1)) == ((i + j + (1 << u)) >> (t + 1)) &&
                  swap_i[(t*(t+1)/2 + t - u)*N + i + j]) begin
                da              = dw[i+j];
                dw[i+j]         = dw[i+j+(1<<u)];
                dw[i+j+(1<<u)]  = da;
              end
            end
          end
        end
      end
    end else begin
      for (int t = 0; t < L; t++) begin
        for (int u = t; u >= 0; u--) begin
          for (int j = (1 << u) % (1 << t); j + (1 << u) < NP; j = j + (2 << u)) begin
            for (int i = 0; i < (1 << u); i++) begin
              if (N > 1 && i + j + (1 << u) < N &&
                  ((i + j) >> (t + 1)) == ((i + j + (1 << u)) >> (t + 1)) &&
                  swap_i[(t*(t+1)/2 + t - u)*N + i + j]) begin
                da              = dw[i+j];
                dw[i+j]         = dw[i+j+(1<<u)];
                dw[i+j+(1<<u)]  = da;
              end
            end
          end
        end
      end
    end
    v = (N*W)'(0);
    for (int x = 0; x < N; x++) v[x*W +: W] = dw[x];
    permuted = v;
  endfunction

  always @(swap_i or data_i) begin
    data_o = permuted();
  end

`endif

endmodule
