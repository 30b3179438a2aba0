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
//             configuration, 2.5 P for the load/fill and visited bits, about 3 L for the
//             control; logic: the tables' write decoders and read multiplexers (P:1 of L
//             bits), two P-input priority encoders.
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

  // State.
  logic            busy_q, busy_d;
  logic            done_q, done_d;
  logic            dup_q, dup_d;        // published
  logic            dupw_q, dupw_d;      // of the routing under way
  logic [P-1:0]    kept_q, kept_d;      // published: the entries loaded
  logic [CW-1:0]   cfg_q, cfg_d;        // published
  logic [CW-1:0]   wcfg_q, wcfg_d;      // working configuration
  logic [1:0]      phase_q, phase_d;
  logic [L-1:0]    cnt_q, cnt_d;        // entry / input / step within the phase
  logic [DW-1:0]   lvl_q, lvl_d;        // depth d of the level
  logic            bank_q, bank_d;      // the bank holding pi_d and its inverse
  logic [P-1:0]    ent_v_q, ent_v_d;    // the entries taken at start
  logic [P*L-1:0]  ent_q, ent_d;
  logic [P-1:0]    in_has_q, in_has_d;  // input has an output (load)
  logic [P-1:0]    out_has_q, out_has_d;// output has an input (load, fill)
  logic [HP-1:0]   vis_q, vis_d;        // visited switches of stage d
  logic            open_q, open_d;      // a cycle is open ...
  logic [L-1:0]    cyc_q, cyc_d;        // ... and continues with this input
  logic [2*TB-1:0] pi_q, pi_d;          // pi: bank b, input i at [(b*P + i)*L +: L]
  logic [2*TB-1:0] pinv_q, pinv_d;      // its inverse: bank b, output o at the same place

  // Lowest output without an input (fill) and lowest unvisited switch (levels): priority
  // encoders. (With none, 0; the fill and the steps never ask then.)
  logic [L-1:0]  free_s;
  logic [SW-1:0] unvis_s;
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

  // One step of a level (docs/benes.md 3.3), at depth d = lvl_q with M = P >> d, H = M / 2.
  logic [L-1:0]   u_s;      // the input whose word takes the upper sub-network
  logic [SW-1:0]  w_s;      // its switch in stage d
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
  assign o_s    = u_s[0] ? pair_s[L +: L] : pair_s[0 +: L];
  assign q_s    = u_s[0] ? pair_s[0 +: L] : pair_s[L +: L];
  assign mask_s = L'((P - 1) >> lvl_q);
  assign half_s = L'((P >> 1) >> lvl_q);
  assign base_s = u_s & ~mask_s;
  assign j_s    = (u_s & mask_s) >> 1;
  assign ysw_s  = SW'(y_s >> 1);
  assign yvis_s = vis_q[ysw_s] || ysw_s == w_s;

  // Table reads: pi_d(2w) and pi_d(2w + 1) (one pair), pi_d^-1(o ^ 1), and the entry of
  // the load. Simulators take part-selects. For synthesis (SYNTHESIS) each bit of a result
  // is a bit select from that bit's column of the table (a balanced multiplexer tree per
  // bit): Yosys 0.23 makes a part-select at index * L a multiplier and a 32-bit shifter.
  logic [L-1:0] ld_e;       // load: the entry's value
  logic [L-1:0] pair_ix;    // the pair's index, bank * P/2 + w (L = 1 has no levels)
  assign pair_ix = L'({bank_q, w_s});
`ifdef SYNTHESIS
  always @(*) begin : gen_rd_pair
    logic [2*HP-1:0] col;
    for (int b = 0; b < 2 * L; b++) begin
      for (int k = 0; k < 2 * HP; k++) col[k] = pi_q[k*2*L + b];
      pair_s[b] = col[pair_ix];
    end
  end
  always @(*) begin : gen_rd_inv
    logic [2*P-1:0] col;
    for (int b = 0; b < L; b++) begin
      for (int k = 0; k < 2 * P; k++) col[k] = pinv_q[k*L + b];
      y_s[b] = col[{bank_q, o_s ^ L'(1)}];
    end
  end
  always @(*) begin : gen_rd_ent
    logic [P-1:0] col;
    for (int b = 0; b < L; b++) begin
      for (int k = 0; k < P; k++) col[k] = ent_q[k*L + b];
      ld_e[b] = col[cnt_q];
    end
  end
`else
  assign pair_s = pi_q[pair_ix * (2*L) +: 2*L];
  assign y_s    = pinv_q[{bank_q, o_s ^ L'(1)} * L +: L];
  assign ld_e   = ent_q[cnt_q*L +: L];
`endif

  // One-hot switch numbers: w (stage d) and o >> 1 (stage 2L - 2 - d).
  logic [HP-1:0]  w_oh;
  logic [HP-1:0]  osw_oh;
  assign w_oh   = HP'(1) << w_s;
  assign osw_oh = HP'(1) << SW'(o_s >> 1);

  // Table writes, two ports: port n (tw_s[n]) sets pi(ta) = td and pi^-1(td) = ta in bank
  // tbank_s. Load and fill use port 0 on bank 0, a level step both on the other bank.
  // For synthesis (SYNTHESIS) decoded entry by entry from one-hot addresses: Yosys 0.23
  // makes a variable part-select on the left a shift of a mask, four times the cells at
  // L = 3. Simulators take the part-selects, the same function: a decoding loop ran the
  // L = 7 bench 13 times slower under Icarus.
  logic [1:0]     tw_s;
  logic           tbank_s;
  logic [L-1:0]   ta0_s, td0_s, ta1_s, td1_s;
`ifdef SYNTHESIS
  logic [2*P-1:0] a0_oh, a1_oh, d0_oh, d1_oh;  // the write addresses, one-hot
  assign a0_oh = (2*P)'(1) << {tbank_s, ta0_s};
  assign a1_oh = (2*P)'(1) << {tbank_s, ta1_s};
  assign d0_oh = (2*P)'(1) << {tbank_s, td0_s};
  assign d1_oh = (2*P)'(1) << {tbank_s, td1_s};
`endif
  always @(*) begin
    pi_d   = pi_q;
    pinv_d = pinv_q;
`ifdef SYNTHESIS
    for (int k = 0; k < 2 * P; k++) begin
      if (tw_s[0] && a0_oh[k]) pi_d[k*L +: L] = td0_s;
      if (tw_s[1] && a1_oh[k]) pi_d[k*L +: L] = td1_s;
      if (tw_s[0] && d0_oh[k]) pinv_d[k*L +: L] = ta0_s;
      if (tw_s[1] && d1_oh[k]) pinv_d[k*L +: L] = ta1_s;
    end
`else
    if (tw_s[0]) begin
      pi_d[{tbank_s, ta0_s}*L +: L]   = td0_s;
      pinv_d[{tbank_s, td0_s}*L +: L] = ta0_s;
    end
    if (tw_s[1]) begin
      pi_d[{tbank_s, ta1_s}*L +: L]   = td1_s;
      pinv_d[{tbank_s, td1_s}*L +: L] = ta1_s;
    end
`endif
  end

  // Next state. Load and fill write bank 0; level d reads bank d & 1 and writes the other.
  logic [L-1:0]   ld_in;    // load: the input ...
  logic [L-1:0]   ld_out;   // ... and the output it would pair
  logic           ld_taken; // load: that input (gather) or output (scatter) is taken
  logic [L-1:0]   lv_a0;    // level: pi_{d+1} at base + j ...
  logic [L-1:0]   lv_a1;    // ... and base + H + j
  logic [L-1:0]   lv_o0;    // level: pi_{d+1} there (outputs of the upper / lower sub-net.)
  logic [L-1:0]   lv_o1;
  logic [CW-1:0]  mid_cfg;  // middle: the working configuration with stage L - 1
  always @(*) begin
    busy_d    = busy_q;
    done_d    = 1'b0;
    dup_d     = dup_q;
    dupw_d    = dupw_q;
    kept_d    = kept_q;
    cfg_d     = cfg_q;
    wcfg_d    = wcfg_q;
    phase_d   = phase_q;
    cnt_d     = cnt_q;
    lvl_d     = lvl_q;
    bank_d    = bank_q;
    ent_v_d   = ent_v_q;
    ent_d     = ent_q;
    in_has_d  = in_has_q;
    out_has_d = out_has_q;
    vis_d     = vis_q;
    open_d    = open_q;
    cyc_d     = cyc_q;
    tw_s      = 2'b00;
    tbank_s   = 1'b0;
    ta0_s     = '0;
    td0_s     = '0;
    ta1_s     = '0;
    td1_s     = '0;
    ld_in     = GATHER ? ld_e : cnt_q;
    ld_out    = GATHER ? cnt_q : ld_e;
    ld_taken  = GATHER ? in_has_q[ld_e] : out_has_q[ld_e];
    lv_a0     = base_s + j_s;
    lv_a1     = base_s + half_s + j_s;
    lv_o0     = base_s + ((o_s & mask_s) >> 1);
    lv_o1     = base_s + half_s + ((q_s & mask_s) >> 1);
    mid_cfg   = wcfg_q;
    if (start_i) begin
      // Take the entries; a routing under way is abandoned.
      busy_d    = 1'b1;
      dupw_d    = 1'b0;
      phase_d   = PH_LOAD;
      cnt_d     = '0;
      lvl_d     = '0;
      bank_d    = 1'b0;
      ent_v_d   = valid_i;
      ent_d     = entry_i;
      in_has_d  = P'(0);
      out_has_d = P'(0);
      open_d    = 1'b0;
    end else if (busy_q) begin
      cnt_d = cnt_q + 1'b1;
      case (phase_q)
        PH_LOAD: begin
          if (ent_v_q[cnt_q]) begin
            if (ld_taken) begin
              // Refused: no longer valid, so that ent_v_q is the kept entries after the load.
              dupw_d  = 1'b1;
              ent_v_d = ent_v_q & ~(P'(1) << cnt_q);
            end else begin
              tw_s      = 2'b01;
              ta0_s     = ld_in;
              td0_s     = ld_out;
              in_has_d  = in_has_q | (P'(1) << ld_in);
              out_has_d = out_has_q | (P'(1) << ld_out);
            end
          end
          if (cnt_q == L'(P - 1)) phase_d = PH_FILL;
        end
        PH_FILL: begin
          if (!in_has_q[cnt_q]) begin
            tw_s      = 2'b01;
            ta0_s     = cnt_q;
            td0_s     = free_s;
            out_has_d = out_has_q | (P'(1) << free_s);
          end
          if (cnt_q == L'(P - 1)) begin
            phase_d = (L == 1) ? PH_MID : PH_LEVEL;
            vis_d   = HP'(0);
            open_d  = 1'b0;
          end
        end
        PH_LEVEL: begin
          // Stage d switch w := u & 1, stage 2L - 2 - d switch o >> 1 := o & 1.
          for (int t = 0; t < L - 1; t++) begin
            if (32'(lvl_q) == t) begin
              wcfg_d[t*HP +: HP] = (wcfg_q[t*HP +: HP] & ~w_oh) | (u_s[0] ? w_oh : HP'(0));
              wcfg_d[(NS-1-t)*HP +: HP] =
                (wcfg_q[(NS-1-t)*HP +: HP] & ~osw_oh) | (o_s[0] ? osw_oh : HP'(0));
            end
          end
          vis_d   = vis_q | w_oh;
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
            cnt_d  = '0;
            bank_d = !bank_q;
            vis_d  = HP'(0);
            open_d = 1'b0;
            if (32'(lvl_q) == L - 2) phase_d = PH_MID;
            else lvl_d = lvl_q + 1'b1;
          end
        end
        default: begin  // PH_MID: stage L - 1, and publish
          for (int w = 0; w < HP; w++) begin
            mid_cfg[(L-1)*HP + w] = bank_q ? pi_q[(P + 2*w)*L] : pi_q[2*w*L];
          end
          cfg_d  = mid_cfg;
          wcfg_d = mid_cfg;
          dup_d  = dupw_q;
          kept_d = ent_v_q;
          done_d = 1'b1;
          busy_d = 1'b0;
        end
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q    <= 1'b0;
      done_q    <= 1'b0;
      dup_q     <= 1'b0;
      dupw_q    <= 1'b0;
      kept_q    <= ~P'(0);
      cfg_q     <= CW'(0);
      wcfg_q    <= CW'(0);
      phase_q   <= PH_LOAD;
      cnt_q     <= '0;
      lvl_q     <= '0;
      bank_q    <= 1'b0;
      ent_v_q   <= P'(0);
      ent_q     <= (P*L)'(0);
      in_has_q  <= P'(0);
      out_has_q <= P'(0);
      vis_q     <= HP'(0);
      open_q    <= 1'b0;
      cyc_q     <= '0;
      pi_q      <= (2*TB)'(0);
      pinv_q    <= (2*TB)'(0);
    end else begin
      busy_q    <= busy_d;
      done_q    <= done_d;
      dup_q     <= dup_d;
      dupw_q    <= dupw_d;
      kept_q    <= kept_d;
      cfg_q     <= cfg_d;
      wcfg_q    <= wcfg_d;
      phase_q   <= phase_d;
      cnt_q     <= cnt_d;
      lvl_q     <= lvl_d;
      bank_q    <= bank_d;
      ent_v_q   <= ent_v_d;
      ent_q     <= ent_d;
      in_has_q  <= in_has_d;
      out_has_q <= out_has_d;
      vis_q     <= vis_d;
      open_q    <= open_d;
      cyc_q     <= cyc_d;
      pi_q      <= pi_d;
      pinv_q    <= pinv_d;
    end
  end

  assign busy_o = busy_q;
  assign done_o = done_q;
  assign dup_o  = dup_q;
  assign kept_o = kept_q;
  assign cfg_o  = cfg_q;

endmodule
