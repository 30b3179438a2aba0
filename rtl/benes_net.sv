// benes_net: a Benes network on P = 2^L ports, configured by cfg_i (docs/benes.md).
//
// Function:   words pass 2L - 1 stages of P/2 two-by-two switches (docs/benes.md section 2):
//             stage t has depth d = t on the input side (t < L - 1), L - 1 in the middle
//             (t = L - 1) and 2L - 2 - t on the output side; at depth d the ports fall into
//             blocks of M = P >> d, H = M / 2. Switch w of stage t is cfg_i[t*P/2 + w]
//             (0 straight, 1 crossed), its block starts at base = 2w - (2w mod M), its index
//             in the block is j = (2w mod M) / 2. Input side and middle: words 2w, 2w + 1 in,
//             base + j and base + H + j out (for the middle M = 2, so that is 2w, 2w + 1);
//             output side: base + j, base + H + j in, 2w, 2w + 1 out; crossed swaps the two.
//             The all-zero configuration is the identity. benes_route computes a
//             configuration for any permutation. For synthesis (SYNTHESIS) each switch is a
//             perm_sw instance, so that a hierarchical synthesis maps it once.
// Parameters: L (log2 of the ports, 1 ..= 16), W (bits per word, >= 1).
// Latency:    combinational, 2L - 1 levels of 2:1 multiplexers.
// Cost:       (2L - 1) P/2 = P log2(P) - P/2 switches, 2W 2:1 multiplexers each
//             (9 728 switches at P = 1 024).
module benes_net #(
  parameter int L = 3,
  parameter int W = 64
) (
  input  logic [CW-1:0]  cfg_i,
  input  logic [P*W-1:0] word_i,
  output logic [P*W-1:0] word_o
);

  // Derived.
  localparam int P  = 1 << L;       // ports
  localparam int HP = P / 2;        // switches per stage
  localparam int NS = 2 * L - 1;    // stages
  localparam int CW = NS * HP;      // configuration bits

  param_assert #(
    .OK (L >= 1 && L <= 16 && W >= 1),
    .MSG("benes_net: need 1 <= L <= 16 and W >= 1")
  ) u_chk_params ();

`ifdef SYNTHESIS
  // Structural form for synthesis tools: one perm_sw instance per switch, so that a
  // hierarchical synthesis maps perm_sw once and counts its instances. Stage t's input words
  // are [t*P +: P] of dv, its output [(t+1)*P +: P]. (split_var: else Verilator, linting
  // this form, takes the one vector through all stages for a combinational loop, UNOPTFLAT.)
  logic [(NS+1)*P*W-1:0] dv /* verilator split_var */;

  assign dv[0 +: P*W] = word_i;
  for (genvar t = 0; t < NS; t++) begin : gen_t
    localparam int D = (t < L - 1) ? t : 2 * L - 2 - t;  // depth (L - 1 in the middle)
    localparam int M = P >> D;
    localparam int H = M / 2;
    for (genvar w = 0; w < HP; w++) begin : gen_w
      localparam int BASE = 2 * w - ((2 * w) % M);
      localparam int J    = ((2 * w) % M) / 2;
      // Input side and middle: 2w, 2w + 1 -> base + j, base + H + j; output side the mirror.
      localparam int IA = (t <= L - 1) ? 2 * w     : BASE + J;
      localparam int IB = (t <= L - 1) ? 2 * w + 1 : BASE + H + J;
      localparam int OA = (t <= L - 1) ? BASE + J     : 2 * w;
      localparam int OB = (t <= L - 1) ? BASE + H + J : 2 * w + 1;
      perm_sw #(
        .W(W)
      ) u_sw (
        .swap_i(cfg_i[t*HP + w]),
        .a_i   (dv[(t*P + IA)*W +: W]),
        .b_i   (dv[(t*P + IB)*W +: W]),
        .a_o   (dv[((t+1)*P + OA)*W +: W]),
        .b_o   (dv[((t+1)*P + OB)*W +: W])
      );
    end
  end
  assign word_o = dv[NS*P*W +: P*W];
`else
  // Procedural form, for simulators: the loops stay loops in a Verilated model's C++, and
  // the words sit in unpacked arrays (one machine word each) while they are switched. It is
  // a function, called once per evaluation (docs/rtl.md "Channel loops"): its variables are
  // automatic, so Icarus does not re-propagate word_o once per word; it reads cfg_i and
  // word_i itself (no argument copies in a Verilated model), so the block names them.
  function automatic logic [P*W-1:0] switched();
    logic [W-1:0]   dw [P];
    logic [W-1:0]   nw [P];
    logic [W-1:0]   wa;
    logic [W-1:0]   wb;
    logic [P*W-1:0] v;
    int             d, m, h, base, j;
    for (int x = 0; x < P; x++) dw[x] = word_i[x*W +: W];
    for (int t = 0; t < NS; t++) begin
      d = (t < L - 1) ? t : 2 * L - 2 - t;
      m = P >> d;
      h = m / 2;
      for (int w = 0; w < HP; w++) begin
        base = 2 * w - ((2 * w) % m);
        j    = ((2 * w) % m) / 2;
        if (t <= L - 1) begin
          wa = dw[2*w];
          wb = dw[2*w+1];
        end else begin
          wa = dw[base+j];
          wb = dw[base+h+j];
        end
        // Crossed: b to a's place, a to b's.
        if (t <= L - 1) begin
          nw[base+j]   = cfg_i[t*HP + w] ? wb : wa;
          nw[base+h+j] = cfg_i[t*HP + w] ? wa : wb;
        end else begin
          nw[2*w]   = cfg_i[t*HP + w] ? wb : wa;
          nw[2*w+1] = cfg_i[t*HP + w] ? wa : wb;
        end
      end
      for (int x = 0; x < P; x++) dw[x] = nw[x];
    end
    v = (P*W)'(0);
    for (int x = 0; x < P; x++) v[x*W +: W] = dw[x];
    switched = v;
  endfunction

  always @(cfg_i or word_i) begin
    word_o = switched();
  end
`endif

endmodule
