// benes_route: the sequential routing unit of a benes_net (docs/benes.md sections 3 and 4).
//
// Function:   on a clock with start_i high the P entries (valid_i, entry_i) are copied; then
//             the unit builds a permutation pi (input -> output) and the configuration of a
//             benes_net #(L) that realises it, in a fixed number of clocks:
//               load   P clocks, entry i on the i-th: scatter (GATHER = 0) sets
//                      pi(i) = entry i unless that output already has an input, gather
//                      (GATHER = 1) sets pi(entry o) = o unless that input already has an
//                      output; a refused entry is a duplicate (dup_o), empty ones are skipped;
//               fill   P clocks, input a on the a-th: an input without an output takes the
//                      lowest output without an input (a priority encoder);
//               levels L - 1 levels d = 0 .. L - 2 of P/2 steps each: the looping algorithm
//                      sets stage d and stage 2L - 2 - d and builds pi_{d+1} and its inverse
//                      in the other bank of the tables (ping-pong); a step follows the open
//                      cycle or, with none open, starts one at the lowest unvisited switch (a
//                      priority encoder);
//               middle 1 clock: stage L - 1 switch w := pi_{L-1}(2w) & 1, and cfg_o, dup_o and
//                      kept_o (the entries loaded: not empty, not refused) take the new
//                      configuration (done_o the clock after).
//             A start while busy abandons the routing under way and starts again from the new
//             entries. cfg_o is registered and changes only at the end of a routing, so a
//             network driven by it never sees a half-made configuration; it is all zeros (the
//             identity) after reset, kept_o all ones. Any entries give a permutation (duplicates are refused),
//             so the unit always finishes in R(L) clocks.
// Parameters: L (log2 of the ports, 1 ..= 16), GATHER (0 scatter, 1 gather).
// Latency:    R(L) = 2P + (L - 1) P/2 + 1 clocks from the start edge e to the edge that
//             updates cfg_o and dup_o (busy_o high after edge e until edge e + R, done_o high
//             for the one clock after edge e + R). R(7) = 641, R(10) = 6 657.
// Cost:       flip-flops: P (L + 1) for the entries, 4 P L for the tables (pi and its
//             inverse, two banks each), 2 (2L - 1) P/2 for the working and published
//             configuration, 3.5 P for the valid / taken / visited bits and kept_o, about 3 L
//             for the control; logic: per table entry two write selects and L 2:1
//             multiplexers, 5 L bit-column reads (P:1 or 2P:1), two priority encoders of
//             depth L. For synthesis (SYNTHESIS) all of it is instances of small modules
//             (benes_tab_ent, benes_flag, benes_cfg_bit, benes_dec, benes_rdcol, benes_prio of
//             benes_lsb), so Yosys maps each once: `rtl/run.sh synth-benes L benes_route`
//             (Yosys 0.23, hierarchical) gives 23 015 cells (6 746 flip-flops, 179 a port) in
//             18 s and 96 MB at L = 7, 108 378 (34 078, 211 a port) in 85 s and 361 MB at
//             L = 9, 234 790 (75 297, 229 a port) in 3 min 11 s and 754 MB at L = 10.
module benes_route #(
  parameter int L      = 3,
  parameter bit GATHER = 1'b0
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  input  logic          start_i,
  input  logic [P-1:0]  valid_i,
  input  logic [P*L-1:0] entry_i,
  output logic          busy_o,
  output logic          done_o,
  output logic          dup_o,
  output logic [P-1:0]  kept_o,
  output logic [CW-1:0] cfg_o
);

  // Derived.
  localparam int P  = 1 << L;                       // ports
  localparam int HP = P / 2;                        // switches per stage
  localparam int NS = 2 * L - 1;                    // stages
  localparam int CW = NS * HP;                      // configuration bits
  localparam int SW = (L > 1) ? L - 1 : 1;          // switch numbers 0 .. P/2 - 1
  localparam int DW = (L > 2) ? $clog2(L - 1) : 1;  // depths 0 .. L - 2
  localparam int TB = P * L;                        // bits of one table bank

  // Phases.
  localparam logic [1:0] PH_LOAD  = 2'd0;
  localparam logic [1:0] PH_FILL  = 2'd1;
  localparam logic [1:0] PH_LEVEL = 2'd2;
  localparam logic [1:0] PH_MID   = 2'd3;

  param_assert #(
    .OK (L >= 1 && L <= 16),
    .MSG("benes_route: need 1 <= L <= 16")
  ) u_chk_params ();

  // State. The tables, the flag vectors and the configuration are flip-flops of the
  // simulators' form (the _d vectors below) or instances of the synthesis form (SYNTHESIS).
  logic            busy_q, busy_d;
  logic            done_q, done_d;
  logic            dup_q, dup_d;        // published
  logic            dupw_q, dupw_d;      // of the routing under way
  logic [P-1:0]    kept_q, kept_d;      // published: the entries loaded
  logic [CW-1:0]   cfg_q;               // published
  logic [1:0]      phase_q, phase_d;
  logic [L-1:0]    cnt_q, cnt_d;        // entry / input / step within the phase
  logic [DW-1:0]   lvl_q, lvl_d;        // depth d of the level
  logic            bank_q, bank_d;      // the bank holding pi_d and its inverse
  logic [P-1:0]    ent_v_q;             // the entries taken at start (less the refused)
  logic [P*L-1:0]  ent_q, ent_d;
  logic [P-1:0]    in_has_q;            // input has an output (load)
  logic [P-1:0]    out_has_q;           // output has an input (load, fill)
  logic [HP-1:0]   vis_q;               // visited switches of stage d
  logic            open_q, open_d;      // a cycle is open ...
  logic [L-1:0]    cyc_q, cyc_d;        // ... and continues with this input
  logic [2*TB-1:0] pi_q;                // pi: bank b, input i at [(b*P + i)*L +: L]
  logic [2*TB-1:0] pinv_q;              // its inverse: bank b, output o at the same place

  // Their updates, decided by the control below: on start_i the entries are taken
  // (ent_v := valid_i) and in_has, out_has cleared; ev_clr_s clears ent_v[cnt]; ih_set_s
  // sets in_has[ta0], oh_set_s out_has[td0]; lv_s (a level step) sets vis[w], stage d
  // switch w := u & 1 and stage 2L - 2 - d switch o >> 1 := o & 1; vis_clr_s clears vis
  // (after lv_s); mid_s sets stage L - 1 from pi_{L-1} and publishes the configuration.
  logic            ev_clr_s, ih_set_s, oh_set_s, lv_s, vis_clr_s, mid_s;

  // Reads of that state, by each form: ent_v[cnt], in_has[cnt], in_has or out_has at the
  // loaded entry's value, the lowest output without an input (fill) and the lowest unvisited
  // switch (levels) (priority encoders; with none, 0: the fill and the steps never ask then),
  // vis[y >> 1].
  logic          ev_s;
  logic          cnt_has_s;
  logic          ld_taken; // load: that input (gather) or output (scatter) is taken
  logic [L-1:0]  free_s;
  logic [SW-1:0] unvis_s;
  logic          yvis_q;

  // One step of a level (docs/benes.md 3.3), at depth d = lvl_q with M = P >> d, H = M / 2.
  logic [L-1:0]   u_s;      // the input whose word takes the upper sub-network
  logic [SW-1:0]  w_s;      // its switch in stage d
  logic [SW-1:0]  osw_s;    // o's switch in stage 2L - 2 - d
  logic [2*L-1:0] pair_s;   // pi_d(2w), pi_d(2w + 1)
  logic [L-1:0]   o_s;      // pi_d(u)
  logic [L-1:0]   q_s;      // pi_d(u ^ 1)
  logic [L-1:0]   mask_s;   // M - 1
  logic [L-1:0]   half_s;   // H
  logic [L-1:0]   base_s;   // u's block
  logic [L-1:0]   j_s;      // u's switch in the block
  logic [L-1:0]   y_s;      // pi_d^-1(o ^ 1)
  logic [SW-1:0]  ysw_s;    // y's switch
  logic           yvis_s;   // ... visited (with this step's)
  assign u_s    = open_q ? cyc_q : L'({unvis_s, 1'b0});
  assign w_s    = SW'(u_s >> 1);
  assign osw_s  = SW'(o_s >> 1);
  assign o_s    = u_s[0] ? pair_s[L +: L] : pair_s[0 +: L];
  assign q_s    = u_s[0] ? pair_s[0 +: L] : pair_s[L +: L];
  assign mask_s = L'((P - 1) >> lvl_q);
  assign half_s = L'((P >> 1) >> lvl_q);
  assign base_s = u_s & ~mask_s;
  assign j_s    = (u_s & mask_s) >> 1;
  assign ysw_s  = SW'(y_s >> 1);
  assign yvis_s = yvis_q || ysw_s == w_s;

  // Table reads: pi_d(2w) and pi_d(2w + 1) (one pair, at index bank * P/2 + w), pi_d^-1(o ^
  // 1), and the entry of the load.
  logic [L-1:0] ld_e;       // load: the entry's value
  logic [L-1:0] pair_ix;    // the pair's index, bank * P/2 + w (L = 1 has no levels)
  logic [L:0]   inv_ix;     // the inverse's index, bank * P + (o ^ 1)
  assign pair_ix = L'({bank_q, w_s});
  assign inv_ix  = {bank_q, o_s ^ L'(1)};

  // Table writes, two ports: port n (tw_s[n]) sets pi(ta) = td and pi^-1(td) = ta in bank
  // tbank_s. Load and fill use port 0 on bank 0, a level step both on the other bank.
  logic [1:0]     tw_s;
  logic           tbank_s;
  logic [L-1:0]   ta0_s, td0_s, ta1_s, td1_s;

  // Control and the small state. Load and fill write bank 0; level d reads bank d & 1 and
  // writes the other.
  logic [L-1:0]   ld_in;    // load: the input ...
  logic [L-1:0]   ld_out;   // ... and the output it would pair
  logic [L-1:0]   lv_a0;    // level: pi_{d+1} at base + j ...
  logic [L-1:0]   lv_a1;    // ... and base + H + j
  logic [L-1:0]   lv_o0;    // level: pi_{d+1} there (outputs of the upper / lower sub-net.)
  logic [L-1:0]   lv_o1;
  always @(*) begin
    busy_d    = busy_q;
    done_d    = 1'b0;
    dup_d     = dup_q;
    dupw_d    = dupw_q;
    kept_d    = kept_q;
    phase_d   = phase_q;
    cnt_d     = cnt_q;
    lvl_d     = lvl_q;
    bank_d    = bank_q;
    ent_d     = ent_q;
    open_d    = open_q;
    cyc_d     = cyc_q;
    ev_clr_s  = 1'b0;
    ih_set_s  = 1'b0;
    oh_set_s  = 1'b0;
    lv_s      = 1'b0;
    vis_clr_s = 1'b0;
    mid_s     = 1'b0;
    tw_s      = 2'b00;
    tbank_s   = 1'b0;
    ta0_s     = '0;
    td0_s     = '0;
    ta1_s     = '0;
    td1_s     = '0;
    ld_in     = GATHER ? ld_e : cnt_q;
    ld_out    = GATHER ? cnt_q : ld_e;
    lv_a0     = base_s + j_s;
    lv_a1     = base_s + half_s + j_s;
    lv_o0     = base_s + ((o_s & mask_s) >> 1);
    lv_o1     = base_s + half_s + ((q_s & mask_s) >> 1);
    if (start_i) begin
      // Take the entries (ent_v, in_has, out_has too); a routing under way is abandoned.
      busy_d    = 1'b1;
      dupw_d    = 1'b0;
      phase_d   = PH_LOAD;
      cnt_d     = '0;
      lvl_d     = '0;
      bank_d    = 1'b0;
      ent_d     = entry_i;
      open_d    = 1'b0;
    end else if (busy_q) begin
      cnt_d = cnt_q + 1'b1;
      case (phase_q)
        PH_LOAD: begin
          if (ev_s) begin
            if (ld_taken) begin
              // Refused: no longer valid, so that ent_v_q is the kept entries after the load.
              dupw_d   = 1'b1;
              ev_clr_s = 1'b1;
            end else begin
              tw_s     = 2'b01;
              ta0_s    = ld_in;
              td0_s    = ld_out;
              ih_set_s = 1'b1;
              oh_set_s = 1'b1;
            end
          end
          if (cnt_q == L'(P - 1)) phase_d = PH_FILL;
        end
        PH_FILL: begin
          if (!cnt_has_s) begin
            tw_s     = 2'b01;
            ta0_s    = cnt_q;
            td0_s    = free_s;
            oh_set_s = 1'b1;
          end
          if (cnt_q == L'(P - 1)) begin
            phase_d   = (L == 1) ? PH_MID : PH_LEVEL;
            vis_clr_s = 1'b1;
            open_d    = 1'b0;
          end
        end
        PH_LEVEL: begin
          lv_s    = 1'b1;
          tw_s    = 2'b11;
          tbank_s = !bank_q;
          ta0_s   = lv_a0;
          td0_s   = lv_o0;
          ta1_s   = lv_a1;
          td1_s   = lv_o1;
          open_d = !yvis_s;
          cyc_d  = y_s ^ L'(1);
          if (cnt_q == L'(HP - 1)) begin
            // Level done: pi_{d+1} is in the other bank.
            cnt_d     = '0;
            bank_d    = !bank_q;
            vis_clr_s = 1'b1;
            open_d    = 1'b0;
            if (32'(lvl_q) == L - 2) phase_d = PH_MID;
            else lvl_d = lvl_q + 1'b1;
          end
        end
        default: begin  // PH_MID: stage L - 1, and publish
          mid_s  = 1'b1;
          dup_d  = dupw_q;
          kept_d = ent_v_q;
          done_d = 1'b1;
          busy_d = 1'b0;
        end
      endcase
    end
  end

`ifdef SYNTHESIS
  // Synthesis form: instances of small modules, so that a hierarchical synthesis maps each
  // once and counts instances (Yosys 0.23 had not finished the flat form at L = 10 after 21
  // minutes). Writes are decoded in two dimensions (benes_dec: a row and a column line per
  // address, one AND in each entry); reads are bit columns (benes_rdcol, a 2^S : 1
  // multiplexer tree per bit of a result); the priority encoders are benes_lsb trees
  // (benes_prio). Entry k of a vector of 2^S is at row k >> ceil(S/2), column k mod
  // 2^ceil(S/2) of its decoder.
  localparam int TS  = L + 1;                      // table address bits: bank, index
  localparam int TLO = (TS + 1) / 2;
  localparam int FLO = (L + 1) / 2;                // flag vectors of P
  localparam int VLO = (SW + 1) / 2;               // switch vectors (vis, configuration)
  localparam int NV  = 1 << SW;                    // HP, but 2 at L = 1

  // Tables: pi port n at {tbank, ta_n}, its inverse at {tbank, td_n}.
  logic [(1<<(TS-TLO))-1:0] pr0, pr1, qr0, qr1;
  logic [(1<<TLO)-1:0]      pc0, pc1, qc0, qc1;
  benes_dec #(.S(TS)) u_dec_pi0 (
    .en_i(tw_s[0]), .a_i({tbank_s, ta0_s}), .r_o(pr0), .c_o(pc0)
  );
  benes_dec #(.S(TS)) u_dec_pi1 (
    .en_i(tw_s[1]), .a_i({tbank_s, ta1_s}), .r_o(pr1), .c_o(pc1)
  );
  benes_dec #(.S(TS)) u_dec_inv0 (
    .en_i(tw_s[0]), .a_i({tbank_s, td0_s}), .r_o(qr0), .c_o(qc0)
  );
  benes_dec #(.S(TS)) u_dec_inv1 (
    .en_i(tw_s[1]), .a_i({tbank_s, td1_s}), .r_o(qr1), .c_o(qc1)
  );
  for (genvar k = 0; k < 2 * P; k++) begin : gen_tab
    localparam int R = k >> TLO;
    localparam int C = k % (1 << TLO);
    benes_tab_ent #(
      .W(L)
    ) u_pi (
      .clk_i(clk_i), .rst_ni(rst_ni),
      .r0_i(pr0[R]), .c0_i(pc0[C]), .d0_i(td0_s),
      .r1_i(pr1[R]), .c1_i(pc1[C]), .d1_i(td1_s),
      .q_o (pi_q[k*L +: L])
    );
    benes_tab_ent #(
      .W(L)
    ) u_inv (
      .clk_i(clk_i), .rst_ni(rst_ni),
      .r0_i(qr0[R]), .c0_i(qc0[C]), .d0_i(ta0_s),
      .r1_i(qr1[R]), .c1_i(qc1[C]), .d1_i(ta1_s),
      .q_o (pinv_q[k*L +: L])
    );
  end

  // Flags of P: ent_v (cleared at cnt), in_has (set at ta0), out_has (set at td0).
  logic [(1<<(L-FLO))-1:0] er, ir, hr;
  logic [(1<<FLO)-1:0]     ec, ic, hc;
  benes_dec #(.S(L)) u_dec_ev (.en_i(ev_clr_s), .a_i(cnt_q), .r_o(er), .c_o(ec));
  benes_dec #(.S(L)) u_dec_ih (.en_i(ih_set_s), .a_i(ta0_s), .r_o(ir), .c_o(ic));
  benes_dec #(.S(L)) u_dec_oh (.en_i(oh_set_s), .a_i(td0_s), .r_o(hr), .c_o(hc));
  for (genvar k = 0; k < P; k++) begin : gen_flag
    localparam int R = k >> FLO;
    localparam int C = k % (1 << FLO);
    benes_flag u_ev (
      .clk_i(clk_i), .rst_ni(rst_ni), .ld_i(start_i), .ld_d_i(valid_i[k]), .r_i(er[R]), .c_i(ec[C]),
      .s_i(1'b0), .q_o(ent_v_q[k])
    );
    benes_flag u_ih (
      .clk_i(clk_i), .rst_ni(rst_ni), .ld_i(start_i), .ld_d_i(1'b0), .r_i(ir[R]), .c_i(ic[C]),
      .s_i(1'b1), .q_o(in_has_q[k])
    );
    benes_flag u_oh (
      .clk_i(clk_i), .rst_ni(rst_ni), .ld_i(start_i), .ld_d_i(1'b0), .r_i(hr[R]), .c_i(hc[C]),
      .s_i(1'b1), .q_o(out_has_q[k])
    );
  end

  // Switches of a stage: w (visited, stage d) and o >> 1 (stage 2L - 2 - d), on a level step.
  logic [(1<<(SW-VLO))-1:0] wr, sr;
  logic [(1<<VLO)-1:0]      wc, sc;
  benes_dec #(.S(SW)) u_dec_w (.en_i(lv_s), .a_i(w_s), .r_o(wr), .c_o(wc));
  benes_dec #(.S(SW)) u_dec_o (.en_i(lv_s), .a_i(osw_s), .r_o(sr), .c_o(sc));
  if (L == 1) begin : gen_no_out  // no level stages at L = 1
    logic unused_osw;
    assign unused_osw = ^{sr, sc};
  end
  for (genvar w = 0; w < HP; w++) begin : gen_vis
    benes_flag u_vis (
      .clk_i(clk_i), .rst_ni(rst_ni), .ld_i(vis_clr_s), .ld_d_i(1'b0), .r_i(wr[w>>VLO]),
      .c_i(wc[w%(1<<VLO)]), .s_i(1'b1), .q_o(vis_q[w])
    );
  end

  // Configuration: stage t < L - 1 at level t from w, its mirror NS - 1 - t from o >> 1,
  // the middle stage at the end from pi_{L-1}(2w) & 1 (bank 1 when L - 1 is odd: bank_q).
  for (genvar t = 0; t < NS; t++) begin : gen_cfg_t
    localparam int D = (t < L - 1) ? t : NS - 1 - t;  // its level (the middle: L - 1)
    logic en;
    assign en = (t == L - 1) ? mid_s : (lv_s && 32'(lvl_q) == D);
    for (genvar w = 0; w < HP; w++) begin : gen_w
      localparam int R = w >> VLO;
      localparam int C = w % (1 << VLO);
      logic r, c, d;
      if (t < L - 1) begin : gen_in
        assign r = wr[R];
        assign c = wc[C];
        assign d = u_s[0];
      end else if (t > L - 1) begin : gen_out
        assign r = sr[R];
        assign c = sc[C];
        assign d = o_s[0];
      end else begin : gen_mid
        assign r = 1'b1;
        assign c = 1'b1;
        assign d = bank_q ? pi_q[(P + 2*w)*L] : pi_q[2*w*L];
      end
      benes_cfg_bit u_bit (
        .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en), .r_i(r), .c_i(c), .d_i(d), .pub_i(mid_s),
        .cfg_o(cfg_q[t*HP + w])
      );
    end
  end

  // Reads: a bit column each. The pair: column b of the P pairs, bit b % L of entry 2k + b / L.
  for (genvar b = 0; b < 2 * L; b++) begin : gen_rd_pair
    logic [P-1:0] col;
    for (genvar k = 0; k < P; k++) begin : gen_k
      assign col[k] = pi_q[(2*k + b/L)*L + b%L];
    end
    benes_rdcol #(.S(L)) u_rd (.col_i(col), .sel_i(pair_ix), .bit_o(pair_s[b]));
  end
  for (genvar b = 0; b < L; b++) begin : gen_rd_inv
    logic [2*P-1:0] col;
    logic [P-1:0]   ecol;
    for (genvar k = 0; k < 2 * P; k++) begin : gen_k
      assign col[k] = pinv_q[k*L + b];
    end
    for (genvar k = 0; k < P; k++) begin : gen_e
      assign ecol[k] = ent_q[k*L + b];
    end
    benes_rdcol #(.S(L + 1)) u_rd (.col_i(col), .sel_i(inv_ix), .bit_o(y_s[b]));
    benes_rdcol #(.S(L)) u_rd_ent (.col_i(ecol), .sel_i(cnt_q), .bit_o(ld_e[b]));
  end
  benes_rdcol #(.S(L)) u_rd_ev (.col_i(ent_v_q), .sel_i(cnt_q), .bit_o(ev_s));
  benes_rdcol #(.S(L)) u_rd_cnt_has (.col_i(in_has_q), .sel_i(cnt_q), .bit_o(cnt_has_s));
  benes_rdcol #(.S(L)) u_rd_taken (
    .col_i(GATHER ? in_has_q : out_has_q), .sel_i(ld_e), .bit_o(ld_taken)
  );
  benes_rdcol #(.S(SW)) u_rd_vis (.col_i(NV'(vis_q)), .sel_i(ysw_s), .bit_o(yvis_q));
  benes_prio #(.S(L)) u_free (.bits_i(out_has_q), .idx_o(free_s));
  if (L > 1) begin : gen_unvis
    benes_prio #(.S(SW)) u_unvis (.bits_i(vis_q), .idx_o(unvis_s));
  end else begin : gen_unvis1
    assign unvis_s = '0;
  end
`else
  // Simulators' form: vectors, part-selects and loops (a decoding loop ran the L = 7 bench
  // 13 times slower under Icarus).
  logic [P-1:0]    ent_v_d;
  logic [P-1:0]    in_has_d, out_has_d;
  logic [HP-1:0]   vis_d;
  logic [CW-1:0]   wcfg_q;         // working configuration
  logic [CW-1:0]   cfg_d, wcfg_d, mid_cfg;
  logic [2*TB-1:0] pi_d, pinv_d;
  logic [HP-1:0]   w_oh, osw_oh;  // one-hot switch numbers: w (stage d), o >> 1 (2L - 2 - d)

  assign ev_s      = ent_v_q[cnt_q];
  assign cnt_has_s = in_has_q[cnt_q];
  assign ld_taken  = GATHER ? in_has_q[ld_e] : out_has_q[ld_e];
  assign yvis_q    = vis_q[ysw_s];
  always @(*) begin
    free_s = '0;
    for (int k = P - 1; k >= 0; k--) begin
      if (!out_has_q[k]) free_s = L'(k);
    end
  end
  always @(*) begin
    unvis_s = '0;
    for (int k = HP - 1; k >= 0; k--) begin
      if (!vis_q[k]) unvis_s = SW'(k);
    end
  end
  assign pair_s = pi_q[pair_ix * (2*L) +: 2*L];
  assign y_s    = pinv_q[inv_ix * L +: L];
  assign ld_e   = ent_q[cnt_q*L +: L];
  assign w_oh   = HP'(1) << w_s;
  assign osw_oh = HP'(1) << osw_s;

  always @(*) begin
    ent_v_d   = ent_v_q;
    in_has_d  = in_has_q;
    out_has_d = out_has_q;
    vis_d     = vis_q;
    wcfg_d    = wcfg_q;
    cfg_d     = cfg_q;
    mid_cfg   = wcfg_q;
    pi_d      = pi_q;
    pinv_d    = pinv_q;
    if (start_i) begin
      ent_v_d   = valid_i;
      in_has_d  = P'(0);
      out_has_d = P'(0);
    end
    if (ev_clr_s) ent_v_d = ent_v_q & ~(P'(1) << cnt_q);
    if (ih_set_s) in_has_d = in_has_q | (P'(1) << ta0_s);
    if (oh_set_s) out_has_d = out_has_q | (P'(1) << td0_s);
    if (lv_s) begin
      for (int t = 0; t < L - 1; t++) begin
        if (32'(lvl_q) == t) begin
          wcfg_d[t*HP +: HP] = (wcfg_q[t*HP +: HP] & ~w_oh) | (u_s[0] ? w_oh : HP'(0));
          wcfg_d[(NS-1-t)*HP +: HP] =
            (wcfg_q[(NS-1-t)*HP +: HP] & ~osw_oh) | (o_s[0] ? osw_oh : HP'(0));
        end
      end
      vis_d = vis_q | w_oh;
    end
    if (vis_clr_s) vis_d = HP'(0);
    if (mid_s) begin
      for (int w = 0; w < HP; w++) begin
        mid_cfg[(L-1)*HP + w] = bank_q ? pi_q[(P + 2*w)*L] : pi_q[2*w*L];
      end
      cfg_d  = mid_cfg;
      wcfg_d = mid_cfg;
    end
    if (tw_s[0]) begin
      pi_d[{tbank_s, ta0_s}*L +: L]   = td0_s;
      pinv_d[{tbank_s, td0_s}*L +: L] = ta0_s;
    end
    if (tw_s[1]) begin
      pi_d[{tbank_s, ta1_s}*L +: L]   = td1_s;
      pinv_d[{tbank_s, td1_s}*L +: L] = ta1_s;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cfg_q     <= CW'(0);
      wcfg_q    <= CW'(0);
      ent_v_q   <= P'(0);
      in_has_q  <= P'(0);
      out_has_q <= P'(0);
      vis_q     <= HP'(0);
      pi_q      <= (2*TB)'(0);
      pinv_q    <= (2*TB)'(0);
    end else begin
      cfg_q     <= cfg_d;
      wcfg_q    <= wcfg_d;
      ent_v_q   <= ent_v_d;
      in_has_q  <= in_has_d;
      out_has_q <= out_has_d;
      vis_q     <= vis_d;
      pi_q      <= pi_d;
      pinv_q    <= pinv_d;
    end
  end
`endif

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q    <= 1'b0;
      done_q    <= 1'b0;
      dup_q     <= 1'b0;
      dupw_q    <= 1'b0;
      kept_q    <= ~P'(0);
      phase_q   <= PH_LOAD;
      cnt_q     <= '0;
      lvl_q     <= '0;
      bank_q    <= 1'b0;
      ent_q     <= (P*L)'(0);
      open_q    <= 1'b0;
      cyc_q     <= '0;
    end else begin
      busy_q    <= busy_d;
      done_q    <= done_d;
      dup_q     <= dup_d;
      dupw_q    <= dupw_d;
      kept_q    <= kept_d;
      phase_q   <= phase_d;
      cnt_q     <= cnt_d;
      lvl_q     <= lvl_d;
      bank_q    <= bank_d;
      ent_q     <= ent_d;
      open_q    <= open_d;
      cyc_q     <= cyc_d;
    end
  end

  assign busy_o = busy_q;
  assign done_o = done_q;
  assign dup_o  = dup_q;
  assign kept_o = kept_q;
  assign cfg_o  = cfg_q;

endmodule
