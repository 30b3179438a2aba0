// tx_lane_gather: the TX lane select, word_o[c] = word_i[lane(c)] for every channel c, as a
// shared network of about P log2(P)^2 / 2 + 3 P log2(P) 2:1 multiplexers per bit instead of
// an N x P crossbar.
//
// Function:   the lane map's lane numbers (one 16-bit entry per channel) configure five
//             networks; the host words go through them on every clock:
//               1. sort: the channels' requests sorted by lane (sort_net, keys only;
//                  a lane number >= LANES, a spare or idle channel, sorts as LANES, above
//                  every lane). Sorted position s asks for lane skey[s], non-decreasing.
//               2. compaction: the used lanes (those some channel asks for), in lane
//                  order, moved to ranks 0, 1, .. (lane l_j to j); each word shifts down by
//                  the number of unused lanes below it, bit k of that shift on stage k
//                  (LSB first). Shifts are non-decreasing along the ranks, so no two words
//                  meet on any stage.
//               3. expansion: rank j to the first sorted position of lane l_j, MSB first
//                  (the mirror of a compaction, equally collision free).
//               4. copy: every later request of the same lane (two channels carrying one
//                  lane) takes the word of the nearest first request below it (segmented
//                  doubling copy, log2(P) stages).
//               5. unsort: the words sent back through the sort's exchange pattern
//                  (perm_net, REVERSE = 1) to the channels.
//             Channels asking for no lane get an unspecified word (the encoder ignores
//             it); lanes no channel asks for are dropped. Exact for every map.
//             The configuration (the sort's exchange pattern and the select bits of
//             stages 2 to 4, all a function of the map) is computed from lane_d_i, the map
//             as it is after this clock, and registered when upd_i is high: so word_o on
//             the clock after a map write already follows the new map. All configuration
//             registers are zero for the identity map (and after map_rst_ni), where every
//             stage passes its words straight through. With upd_i low no configuration
//             logic is evaluated (it is all under `if (upd_i)`), which keeps the
//             simulation of the per-clock data path small.
// Parameters: LANES (N >= 1), CHANNELS (P >= N).
// Latency:    word_o is combinational from word_i (about log2(P) (log2(P) + 7) / 2 mux
//             levels); the configuration is registered (one clock, from lane_d_i / upd_i).
// Cost:       sort_net of P keys of clog2(N+1) bits (config, at most about
//             P log2(P)^2 / 4 compare-exchanges), plus per bit of data word:
//             2 x that many multiplexers (unsort) and 3 P log2(P) (stages 2 to 4);
//             configuration flip-flops: (log2(P) (log2(P) + 1) / 2 + 3 log2(P)) P.
// Waiver: at a thousand channels and more the clearing of the configuration and data
// vectors ('0 on P * 64 bits and more) exceeds the lint's 8k-bit replication heuristic;
// the widths are intended, so WIDTHCONCAT is off for this file only.
/* verilator lint_off WIDTHCONCAT */
module tx_lane_gather #(
  parameter int LANES    = 4,
  parameter int CHANNELS = 5
) (
  input  logic                     clk_i,
  input  logic                     map_rst_ni,
  input  logic                     upd_i,
  input  logic [16*CHANNELS-1:0]   lane_d_i,
  input  logic [64*LANES-1:0]      word_i,
  output logic [64*CHANNELS-1:0]   word_o
);

  // Derived.
  localparam int P      = CHANNELS;
  localparam int W      = 64;
  localparam int KEY_W  = $clog2(LANES + 1);              // lane or LANES (no data)
  localparam int LS     = (P > 1) ? $clog2(P) : 1;        // shift stages, shifts < P
  localparam int CNT_W  = $clog2(P + 1);                  // counts 0 ..= P
  localparam int SL     = (P > 1) ? $clog2(P) : 1;        // sort_net's L
  localparam int LAYERS = SL * (SL + 1) / 2;
  localparam logic [KEY_W-1:0] NO_LANE = KEY_W'(LANES);

  param_assert #(
    .OK (LANES >= 1 && CHANNELS >= LANES && CHANNELS <= 65536),
    .MSG("tx_lane_gather: need 1 <= LANES <= CHANNELS <= 65536")
  ) u_chk_params ();

  // ---------------------------------------------------------------------------------------
  // Configuration: computed from lane_d_i when upd_i, registered.
  // ---------------------------------------------------------------------------------------
  logic [P*KEY_W-1:0]  key, skey;
  logic [LAYERS*P-1:0] swap_d, swap_q;
  logic [LS*P-1:0]     cmp_d, cmp_q;   // compaction: stage k, word at q+2^k moves to q
  logic [LS*P-1:0]     exp_d, exp_q;   // expansion: stage k, word at q moves to q+2^k
  logic [LS*P-1:0]     cpy_d, cpy_q;   // copy: stage k, position s takes s-2^k's word

  always @(*) begin
    for (int c = 0; c < P; c++) begin
      key[c*KEY_W +: KEY_W] = (lane_d_i[c*16 +: 16] < 16'(LANES)) ?
                              lane_d_i[c*16 +: KEY_W] : NO_LANE;
    end
  end

  /* verilator lint_off UNUSED */
  logic [P-1:0] sort_pay_unused;
  /* verilator lint_on UNUSED */

  sort_net #(
    .N    (P),
    .KEY_W(KEY_W),
    .PAY_W(1)
  ) u_sort (
    .en_i  (upd_i),
    .key_i (key),
    .pay_i ({P{1'b0}}),
    .key_o (skey),
    .pay_o (sort_pay_unused),
    .swap_o(swap_d)
  );

  // Stages 2 to 4 from the sorted keys. The compaction and expansion of the data path are
  // found by running their inverses on the requests: the first request of each lane
  // compacted to its rank (recording, per stage, which positions move: the data path's
  // expansion runs those moves backwards), then each rank's lane expanded from rank j to
  // position l_j (the data path's compaction runs those moves backwards).
  logic [P-1:0]       first;      // sorted position s is the first request of a lane
  logic [P-1:0]       have;       // copy: position s already holds its lane's word
  logic [P*CNT_W-1:0] cnt;        // inclusive prefix count of first
  logic [P-1:0]       v;          // simulation: position holds an element
  logic [P*LS-1:0]    sh;         // simulation: the element's remaining shift
  logic [P*KEY_W-1:0] ln;         // simulation: the element's lane

  always @(*) begin
    first = '0;
    have  = '0;
    cnt   = '0;
    v     = '0;
    sh    = '0;
    ln    = '0;
    cmp_d = '0;
    exp_d = '0;
    cpy_d = '0;
    if (upd_i) begin
      first[0] = (skey[KEY_W-1:0] != NO_LANE);
      for (int s = 1; s < P; s++) begin
        first[s] = (skey[s*KEY_W +: KEY_W] != NO_LANE) &&
                   (skey[s*KEY_W +: KEY_W] != skey[(s-1)*KEY_W +: KEY_W]);
      end
      for (int s = 0; s < P; s++) begin
        have[s]  = first[s] || (skey[s*KEY_W +: KEY_W] == NO_LANE);
        cnt[s*CNT_W +: CNT_W] = CNT_W'(first[s]);
      end
      // Inclusive prefix count (in place, from the top down so that s - 2^k is unchanged).
      for (int k = 0; k < LS; k++) begin
        for (int s = P - 1; s >= (1 << k); s--) begin
          cnt[s*CNT_W +: CNT_W] = cnt[s*CNT_W +: CNT_W] + cnt[(s-(1<<k))*CNT_W +: CNT_W];
        end
      end
      // First requests: shift down by s - rank = s - (cnt - 1).
      for (int s = 0; s < P; s++) begin
        v[s]              = first[s];
        sh[s*LS +: LS]    = LS'(s + 1) - LS'(cnt[s*CNT_W +: CNT_W]);
        ln[s*KEY_W +: KEY_W] = skey[s*KEY_W +: KEY_W];
      end
      // Compaction of the first requests, LSB first (in place upwards: q + 2^k unchanged).
      for (int k = 0; k < LS; k++) begin
        for (int q = 0; q + (1 << k) < P; q++) begin
          if (v[q+(1<<k)] && sh[(q+(1<<k))*LS + k]) begin
            v[q]                 = 1'b1;
            sh[q*LS +: LS]       = sh[(q+(1<<k))*LS +: LS];
            ln[q*KEY_W +: KEY_W] = ln[(q+(1<<k))*KEY_W +: KEY_W];
            v[q+(1<<k)]          = 1'b0;
            exp_d[k*P + q]       = 1'b1;  // data path: stage k moves q up to q + 2^k
          end
        end
      end
      // Rank j holds lane l_j: expand it to position l_j, shift l_j - j, MSB first (in
      // place downwards: x - 2^k unchanged).
      for (int j = 0; j < P; j++) begin
        sh[j*LS +: LS] = v[j] ? LS'(ln[j*KEY_W +: KEY_W]) - LS'(j) : {LS{1'b0}};
      end
      for (int k = LS - 1; k >= 0; k--) begin
        for (int x = P - 1; x >= (1 << k); x--) begin
          if (v[x-(1<<k)] && sh[(x-(1<<k))*LS + k]) begin
            v[x]                 = 1'b1;
            sh[x*LS +: LS]       = sh[(x-(1<<k))*LS +: LS];
            v[x-(1<<k)]          = 1'b0;
            cmp_d[k*P + x - (1<<k)] = 1'b1;  // data path: stage k moves x down to x - 2^k
          end
        end
      end
      // Copy: a later request of a lane takes the word of the nearest position below that
      // has one (doubling; from the top down so that s - 2^k is unchanged).
      for (int k = 0; k < LS; k++) begin
        for (int s = P - 1; s >= (1 << k); s--) begin
          if (!have[s]) begin
            cpy_d[k*P + s] = 1'b1;
            have[s]        = have[s-(1<<k)];
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge map_rst_ni) begin
    if (!map_rst_ni) begin
      swap_q <= '0;
      cmp_q  <= '0;
      exp_q  <= '0;
      cpy_q  <= '0;
    end else if (upd_i) begin
      swap_q <= swap_d;
      cmp_q  <= cmp_d;
      exp_q  <= exp_d;
      cpy_q  <= cpy_d;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Data path: lane order -> ranks -> first requests -> every request -> channels.
  // ---------------------------------------------------------------------------------------
  logic [P*W-1:0] sorted;

`ifdef SYNTHESIS
  logic [P*W-1:0] d;


  always @(*) begin
    d = '0;
    d[LANES*W-1:0] = word_i;
    // Compaction, LSB first (in place upwards).
    for (int k = 0; k < LS; k++) begin
      for (int q = 0; q + (1 << k) < P; q++) begin
        if (cmp_q[k*P + q]) begin
          d[q*W +: W] = d[(q+(1<<k))*W +: W];
        end
      end
    end
    // Expansion, MSB first (in place downwards).
    for (int k = LS - 1; k >= 0; k--) begin
      for (int x = P - 1; x >= (1 << k); x--) begin
        if (exp_q[k*P + x - (1<<k)]) begin
          d[x*W +: W] = d[(x-(1<<k))*W +: W];
        end
      end
    end
    // Copy (in place downwards).
    for (int k = 0; k < LS; k++) begin
      for (int s = P - 1; s >= (1 << k); s--) begin
        if (cpy_q[k*P + s]) begin
          d[s*W +: W] = d[(s-(1<<k))*W +: W];
        end
      end
    end
    sorted = d;
  end

`else
  // For simulators the words sit in an unpacked array (one machine word each in a
  // Verilated model) while they move; the same moves as the form above.
  logic [W-1:0] dw [P];

  always @(*) begin
    for (int x = 0; x < P; x++) dw[x] = (x < LANES) ? word_i[x*W +: W] : {W{1'b0}};
    for (int k = 0; k < LS; k++) begin
      for (int q = 0; q + (1 << k) < P; q++) begin
        if (cmp_q[k*P + q]) dw[q] = dw[q+(1<<k)];
      end
    end
    for (int k = LS - 1; k >= 0; k--) begin
      for (int x = P - 1; x >= (1 << k); x--) begin
        if (exp_q[k*P + x - (1<<k)]) dw[x] = dw[x-(1<<k)];
      end
    end
    for (int k = 0; k < LS; k++) begin
      for (int s = P - 1; s >= (1 << k); s--) begin
        if (cpy_q[k*P + s]) dw[s] = dw[s-(1<<k)];
      end
    end
    for (int x = 0; x < P; x++) sorted[x*W +: W] = dw[x];
  end
`endif

  perm_net #(
    .N      (P),
    .W      (W),
    .REVERSE(1'b1)
  ) u_unsort (
    .swap_i(swap_q),
    .data_i(sorted),
    .data_o(word_o)
  );

endmodule
