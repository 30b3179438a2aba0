// sort_net: Batcher odd-even merge sorting network over N keyed records, with the exchange
// pattern it took, so that perm_net can send other words the same way or back.
//
// Function:   sorts the N records {key, payload} by key, ascending (equal keys keep no
//             particular order). The network is Batcher's odd-even merge sort on the next
//             power of two NP >= N, with every compare-exchange that touches a record
//             >= N left out (the same as padding with keys above every real one).
//             Its LAYERS = L (L + 1) / 2 layers (L = log2 NP) each hold disjoint
//             compare-exchanges (a, a + k); swap_o[layer * N + a] is 1 when that one
//             exchanged its records. With en_i low nothing is compared: key_o = key_i,
//             pay_o = pay_i and swap_o = 0 (a way to skip the work in simulation on clocks
//             whose result is unused). Compare-exchanges: (L^2 - L + 4) 2^(L-2) - 1 at
//             most, i.e. N log2(N)^2 / 4 roughly. For synthesis (SYNTHESIS) each is a
//             sort_cx instance.
// Parameters: N (records, >= 1), KEY_W, PAY_W (>= 1).
// Latency:    combinational.
// Waiver: at thousands of records the clearing of swap_o ('0 on LAYERS * N bits) exceeds
// the 8k-bit replication heuristic of Verilator; the width is intended, so WIDTHCONCAT is off
// for this file only.
/* verilator lint_off WIDTHCONCAT */
module sort_net #(
  parameter int N     = 8,
  parameter int KEY_W = 8,
  parameter int PAY_W = 1
) (
  input  logic                  en_i,
  input  logic [N*KEY_W-1:0]    key_i,
  input  logic [N*PAY_W-1:0]    pay_i,
  output logic [N*KEY_W-1:0]    key_o,
  output logic [N*PAY_W-1:0]    pay_o,
  output logic [LAYERS*N-1:0]   swap_o
);

  // Derived.
  localparam int L      = (N > 1) ? $clog2(N) : 1;
  localparam int LAYERS = L * (L + 1) / 2;

  param_assert #(
    .OK (N >= 1 && KEY_W >= 1 && PAY_W >= 1),
    .MSG("sort_net: need N >= 1, KEY_W >= 1 and PAY_W >= 1")
  ) u_chk_params ();

  // Layer (t, u), t = 0..L-1 and u = t..0, merges runs of 2^(t+1) records at distance
  // 2^u; it is layer t (t + 1) / 2 + (t - u).
`ifdef SYNTHESIS
  // Structural form, for synthesis tools (which unroll procedural loops slowly): the same
  // compare-exchanges, one generate block per layer and record. Record x of layer (t, u)
  // is the low end of a compare-exchange when LO (one sort_cx instance, which also drives
  // the high end x + GAP), the high end when HI, else it passes. One instance per
  // compare-exchange keeps every module small: a hierarchical synthesis maps sort_cx once
  // and counts its instances (a flat generate of assigns was millions of cells in one
  // module at 2 048 records).
  // Simulators take the procedural form below, whose loops stay loops in the C++ of a
  // Verilated model; tests/rtl_networks.rs runs both against a reference.
  // Layer LY's input records are [LY*N +: N] of sk / sp, its output [(LY+1)*N +: N].
  // (split_var: else Verilator, linting this form, takes the one vector through all
  // layers for a combinational loop, UNOPTFLAT.)
  logic [(LAYERS+1)*N*KEY_W-1:0] sk /* verilator split_var */;
  logic [(LAYERS+1)*N*PAY_W-1:0] sp /* verilator split_var */;
  logic [LAYERS*N-1:0]           sw;

  if (N == 1) begin : gen_one
    logic unused_en;  // no compare-exchange
    assign unused_en = en_i;
  end

  assign sk[0 +: N*KEY_W] = key_i;
  assign sp[0 +: N*PAY_W] = pay_i;
  for (genvar t = 0; t < L; t++) begin : gen_t
    for (genvar u = t; u >= 0; u--) begin : gen_u
      localparam int LY  = t * (t + 1) / 2 + t - u;
      localparam int GAP = 1 << u;
      localparam int R   = GAP % (1 << t);
      for (genvar x = 0; x < N; x++) begin : gen_x
        localparam int LO = (N > 1 && x >= R && ((x - R) % (2 * GAP)) < GAP && x + GAP < N &&
                             (x >> (t + 1)) == ((x + GAP) >> (t + 1))) ? 1 : 0;
        localparam int HI = (N > 1 && x >= GAP + R && ((x - GAP - R) % (2 * GAP)) < GAP &&
                             (x >> (t + 1)) == ((x - GAP) >> (t + 1))) ? 1 : 0;
        localparam int I0 = LY * N + x;        // this record in layer LY's input
        localparam int O0 = (LY + 1) * N + x;  // ... and output
        if (LO == 1) begin : gen_lo
          // Records x and x + GAP: one compare-exchange, its swap flag at x.
          sort_cx #(
            .KEY_W(KEY_W),
            .PAY_W(PAY_W)
          ) u_cx (
            .en_i    (en_i),
            .a_key_i (sk[I0*KEY_W +: KEY_W]),
            .a_pay_i (sp[I0*PAY_W +: PAY_W]),
            .b_key_i (sk[(I0+GAP)*KEY_W +: KEY_W]),
            .b_pay_i (sp[(I0+GAP)*PAY_W +: PAY_W]),
            .lo_key_o(sk[O0*KEY_W +: KEY_W]),
            .lo_pay_o(sp[O0*PAY_W +: PAY_W]),
            .hi_key_o(sk[(O0+GAP)*KEY_W +: KEY_W]),
            .hi_pay_o(sp[(O0+GAP)*PAY_W +: PAY_W]),
            .swap_o  (sw[LY*N + x])
          );
        end else if (HI == 1) begin : gen_hi
          // Driven by the compare-exchange at x - GAP.
          assign sw[LY*N + x] = 1'b0;
        end else begin : gen_pass
          assign sw[LY*N + x] = 1'b0;
          assign sk[O0*KEY_W +: KEY_W] = sk[I0*KEY_W +: KEY_W];
          assign sp[O0*PAY_W +: PAY_W] = sp[I0*PAY_W +: PAY_W];
        end
      end
    end
  end
  assign key_o  = sk[LAYERS*N*KEY_W +: N*KEY_W];
  assign pay_o  = sp[LAYERS*N*PAY_W +: N*PAY_W];
  assign swap_o = sw;
`else
  // Procedural form, for simulators: the loops stay loops in a Verilated model's C++, and
  // the records sit in unpacked arrays while they are exchanged. It is a function, called
  // once per evaluation (docs/rtl.md "Channel loops"): its variables are automatic, so
  // Icarus does not re-propagate swap_o, key_o and pay_o once per exchange; it reads
  // en_i, key_i and pay_i itself (no argument copies in a Verilated model), so the block
  // names them. Returns {swap, pay, key}.
  localparam int NP = 1 << L;  // the power of two the loops run over
  function automatic logic [LAYERS*N+N*PAY_W+N*KEY_W-1:0] sorted();
    logic [KEY_W-1:0]    kw [N];
    logic [PAY_W-1:0]    pw [N];
    logic [KEY_W-1:0]    ka;
    logic [PAY_W-1:0]    pa;
    logic [LAYERS*N-1:0] sw;
    logic [N*KEY_W-1:0]  ko;
    logic [N*PAY_W-1:0]  po;
    for (int x = 0; x < N; x++) begin
      kw[x] = key_i[x*KEY_W +: KEY_W];
      pw[x] = pay_i[x*PAY_W +: PAY_W];
    end
    sw = (LAYERS*N)'(0);
    // Compare-exchange (a, b) = (i + j, i + j + 2^u) of layer (t, u).
    if (en_i && N > 1) begin
      for (int t = 0; t < L; t++) begin
        for (int u = t; u >= 0; u--) begin
          for (int j = (1 << u) % (1 << t); j + (1 << u) < NP; j = j + (2 << u)) begin
            for (int i = 0; i < (1 << u); i++) begin
              if (i + j + (1 << u) < N &&
                  ((i + j) >> (t + 1)) == ((i + j + (1 << u)) >> (t + 1)) &&
                  kw[i+j] > kw[i+j+(1<<u)]) begin
                ka                 = kw[i+j];
                kw[i+j]            = kw[i+j+(1<<u)];
                kw[i+j+(1<<u)]     = ka;
                pa                 = pw[i+j];
                pw[i+j]            = pw[i+j+(1<<u)];
                pw[i+j+(1<<u)]     = pa;
                sw[(t*(t+1)/2 + t - u)*N + i + j] = 1'b1;
              end
            end
          end
        end
      end
    end
    ko = (N*KEY_W)'(0);
    po = (N*PAY_W)'(0);
    for (int x = 0; x < N; x++) begin
      ko[x*KEY_W +: KEY_W] = kw[x];
      po[x*PAY_W +: PAY_W] = pw[x];
    end
    sorted = {sw, po, ko};
  endfunction

  // One call, then the split (an assignment to a concatenation would make Verilator call
  // the function once per part).
  logic [LAYERS*N+N*PAY_W+N*KEY_W-1:0] sort_r;
  always @(en_i or key_i or pay_i) begin
    sort_r = sorted();
  end
  assign {swap_o, pay_o, key_o} = sort_r;

`endif

endmodule
