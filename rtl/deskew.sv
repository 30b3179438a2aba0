// deskew: deskew buffers, reorder by lane number and stripe reassembly of the receiver
// (docs/spec.md 11.5-11.6; model deskew::Deskew).
//
// Function:   takes each RX port's events (marker slot with its lane number and arrival
//             bit position, payload symbol, loss of lock) and
//             * buffers every marker-locked port from its latest marker on (deskew_fifo);
//               a buffer that would exceed CAP = MAX_SKEW_BITS/66 + 12 blocks before
//               formation is dropped;
//             * forms the link when every lane 0..LANES-1 is buffering and the arrival
//               times of those markers span at most MAX_SKEW_BITS: they are global slot 0;
//             * lets a lane that regains marker lock join a formed link at the marker slot
//               whose markers arrived within MAX_SKEW_BITS of it;
//             * releases global slot G when every aligned lane has delivered slot
//               G + RELEASE_HOLD; a non-marker slot with data from all LANES lanes and no
//               invalid sync header in slots G..G+RELEASE_HOLD is a stripe (rx_valid_o),
//               any other slot with data is a lost stripe, all-idle is idle, the rest
//               unreadable;
//             * reports per port membership and measured skew, link formation and the
//               reassembly counters, and skew faults.
//             Cross-port decisions (formation, release, overflow) are taken each clock on
//             the registered state, i.e. after all ports' blocks of the previous clock,
//             which is the model's order when it is fed one clock of bits at a time.
//             A lane number claimed by two ports: while buffering the later claim
//             replaces the earlier one, once aligned the later one is refused; dup_* report
//             the last such claim (lane, port kept, port refused).
// Parameters: LANES, PORTS, AM_PERIOD, MAX_SKEW_BITS, POS_W (bit positions), G_W (global
//             slot index, wraps), CNT_W (counters, saturating), PORT_INSTANCES (1: one
//             deskew_port per port, the form synthesis reads; 0: one for all ports).
// Latency:    a slot is released on the clock after the block that completes its hold was
//             delivered; the stripe is on rx_data_o one clock after that (registered).
// Waiver: at hundreds of lanes the zeroing of the lane-by-port select matrices and the stripe
// bus ('0 on buses of up to LANES*PORTS bits) exceeds Verilator's 8k-bit replication
// heuristic; the width is intended, so WIDTHCONCAT is off for this file only.
/* verilator lint_off WIDTHCONCAT */
module deskew #(
  parameter int LANES         = 4,
  parameter int PORTS         = 5,
  parameter int AM_PERIOD     = 16,
  parameter int MAX_SKEW_BITS = 264,
  parameter int POS_W         = 48,
  parameter int G_W           = 32,
  parameter int CNT_W         = 32,
  parameter bit PORT_INSTANCES = 1'b0
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Port events.
  input  logic [PORTS-1:0]         ev_marker_i,
  input  logic [PORTS-1:0]         ev_sym_i,
  input  logic [PORTS-1:0]         ev_unlock_i,
  input  logic [16*PORTS-1:0]      ev_lane_i,
  input  logic [POS_W*PORTS-1:0]   ev_pos_i,
  input  logic [2*PORTS-1:0]       ev_kind_i,
  input  logic [64*PORTS-1:0]      ev_data_i,
  input  logic [PORTS-1:0]         ev_sh_valid_i,
  // Stripes.
  output logic                     rx_valid_o,
  output logic [64*LANES-1:0]      rx_data_o,
  // Status.
  output logic                     aligned_o,
  output logic                     formed_o,
  output logic [PORTS-1:0]         port_in_link_o,
  output logic [POS_W*PORTS-1:0]   port_skew_o,
  output logic [CNT_W-1:0]         stripes_out_o,
  output logic [CNT_W-1:0]         stripes_lost_o,
  output logic [CNT_W-1:0]         idle_slots_o,
  output logic [CNT_W-1:0]         unreadable_slots_o,
  output logic [CNT_W-1:0]         formations_o,
  output logic [CNT_W-1:0]         joins_o,
  output logic                     skew_fault_o,
  output logic [POS_W-1:0]         skew_fault_spread_o,
  output logic [15:0]              skew_fault_early_o,
  output logic [15:0]              skew_fault_late_o,
  output logic                     dup_o,
  output logic [15:0]              dup_lane_o,
  output logic [15:0]              dup_kept_o,
  output logic [15:0]              dup_refused_o
);

  // Spec constants.
  localparam int BLOCK_BITS   = 66;
  localparam int RELEASE_HOLD = 8;
  localparam int BUFFER_SLACK = 3 + RELEASE_HOLD;

  // Derived.
  localparam int CAP      = MAX_SKEW_BITS / BLOCK_BITS + 1 + BUFFER_SLACK;
  localparam int DEPTH    = 1 << $clog2(2 * CAP + 2);
  localparam int AM_W     = $clog2(AM_PERIOD);
  localparam int PN_W     = (PORTS > 1) ? $clog2(PORTS) : 1;
  localparam int NB_W     = $clog2(PORTS + 1) + 1;
  localparam int LI_W     = (LANES > 1) ? $clog2(LANES) : 1;

  localparam logic [POS_W-1:0] PB        = POS_W'(AM_PERIOD * BLOCK_BITS);
  localparam logic [POS_W-1:0] MAX_SKEW  = POS_W'(MAX_SKEW_BITS);
  localparam logic [POS_W-1:0] OVF_SPREAD = POS_W'(2 * CAP * BLOCK_BITS);
  localparam logic [AM_W-1:0]  AM_LAST   = AM_W'(AM_PERIOD - 1);
  localparam logic [15:0]      LANES16   = 16'(LANES);
  localparam logic [NB_W-1:0]  LANES_NB  = NB_W'(LANES);

  localparam logic [1:0] ST_BUF  = 2'd1;
  localparam logic [1:0] ST_AL   = 2'd2;

  // Entry kinds (lane_decoder's SYM_INVALID = 0 is stored as is).
  localparam logic [1:0] SYM_DATA    = 2'd1;
  localparam logic [1:0] SYM_IDLE    = 2'd2;

  param_assert #(
    .OK (LANES >= 1 && PORTS >= LANES && PORTS <= 65536),
    .MSG("deskew: need 1 <= LANES <= PORTS <= 65536")
  ) u_chk_ports ();
  param_assert #(
    .OK (AM_PERIOD >= 4 && MAX_SKEW_BITS >= 0 && MAX_SKEW_BITS < AM_PERIOD * BLOCK_BITS / 2),
    .MSG("deskew: MAX_SKEW_BITS must be below half a marker period (AM_PERIOD * 33 bits)")
  ) u_chk_skew ();
  param_assert #(
    .OK (POS_W >= 24 && POS_W <= 62 && G_W >= AM_W + 4 && G_W <= 62),
    .MSG("deskew: POS_W must be 24..62 and G_W at least log2(AM_PERIOD) + 4")
  ) u_chk_widths ();

  // ---------------------------------------------------------------------------------------
  // Registered per-port state, flattened for the cross-port logic.
  // ---------------------------------------------------------------------------------------
  logic [2*PORTS-1:0]      st_v;
  logic [16*PORTS-1:0]     lane_v;
  logic [POS_W*PORTS-1:0]  arr_v, lma_v, base_v, norm_v;
  logic [G_W*PORTS-1:0]    lmg_v;
  logic [2*PORTS-1:0]      hkind_v;
  logic [64*PORTS-1:0]     hdata_v;
  logic [PORTS-1:0]        badw_v;
  logic [PORTS-1:0]        al_v;      // aligned (st_v == ST_AL, from deskew_port)
  logic [PORTS-1:0]        al_d_v;    // aligned from the next clock on

  // Global registered state.
  logic             formed_q, try_q;
  logic [POS_W-1:0] try_pos_q;
  logic [G_W-1:0]   g_q;
  logic [AM_W-1:0]  gph_q;

  // ---------------------------------------------------------------------------------------
  // Formation check over the buffering ports (model: try_form).
  // ---------------------------------------------------------------------------------------
  logic [NB_W-1:0]  nbuf;
  logic             unused_fb_have;
  logic [POS_W-1:0] fe_arr, fl_arr, f_spread;
  logic [15:0]      fe_lane, fl_lane;
  logic             form_now, probe_ev;

  // The reductions over the ports are port_tree / port_count instances: loops in
  // simulators, trees in synthesis (depth log2 P instead of a chain of P).
  logic [PORTS-1:0] buf_v;
  logic [(POS_W+16)*PORTS-1:0] arr_key_v, norm_key_v;

  // {arrival, lane} and {normalised arrival, lane} of every port (the order of the
  // formation and join references: time, then lane number).
`ifdef SYNTHESIS
  // (Synthesis: one assign per port; Yosys unrolls procedural loops slowly.)
  for (genvar p = 0; p < PORTS; p++) begin : gen_port_keys
    assign arr_key_v[(POS_W+16)*p +: POS_W+16]  = {arr_v[POS_W*p +: POS_W], lane_v[16*p +: 16]};
    assign norm_key_v[(POS_W+16)*p +: POS_W+16] = {norm_v[POS_W*p +: POS_W], lane_v[16*p +: 16]};
  end
`else
  function automatic logic [2*(POS_W+16)*PORTS-1:0] port_keys();
    logic [(POS_W+16)*PORTS-1:0] a, n;
    for (int p = 0; p < PORTS; p++) begin
      a[(POS_W+16)*p +: POS_W+16] = {arr_v[POS_W*p +: POS_W], lane_v[16*p +: 16]};
      n[(POS_W+16)*p +: POS_W+16] = {norm_v[POS_W*p +: POS_W], lane_v[16*p +: 16]};
    end
    port_keys = {a, n};
  endfunction

  logic [2*(POS_W+16)*PORTS-1:0] port_keys_r;
  always @(arr_v or norm_v or lane_v) begin
    port_keys_r = port_keys();
  end
  assign {arr_key_v, norm_key_v} = port_keys_r;
`endif

`ifdef SYNTHESIS
  for (genvar p = 0; p < PORTS; p++) begin : gen_buf_flags
    assign buf_v[p] = (st_v[2*p +: 2] == ST_BUF);
  end
`else
  function automatic logic [PORTS-1:0] buf_flags();
    logic [PORTS-1:0] b;
    for (int p = 0; p < PORTS; p++) b[p] = (st_v[2*p +: 2] == ST_BUF);
    buf_flags = b;
  endfunction

  always @(st_v) begin
    buf_v = buf_flags();
  end
`endif

  port_count #(.N(PORTS), .W(NB_W)) u_nbuf (.bits_i(buf_v), .count_o(nbuf));

  logic [PN_W-1:0] unused_fe_port, unused_fl_port;
  logic            unused_fl_have;
  logic            unused_fe_pay, unused_fl_pay;
  port_tree #(
    .N    (PORTS),
    .KEY_W(POS_W + 16),
    .PAY_W(1),
    .MAX  (1'b0)
  ) u_form_early (
    .valid_i(buf_v),
    .key_i  (arr_key_v),
    .pay_i  ({PORTS{1'b0}}),
    .valid_o(unused_fb_have),
    .key_o  ({fe_arr, fe_lane}),
    .pay_o  (unused_fe_pay),
    .idx_o  (unused_fe_port)
  );
  port_tree #(
    .N    (PORTS),
    .KEY_W(POS_W + 16),
    .PAY_W(1),
    .MAX  (1'b1)
  ) u_form_late (
    .valid_i(buf_v),
    .key_i  (arr_key_v),
    .pay_i  ({PORTS{1'b0}}),
    .valid_o(unused_fl_have),
    .key_o  ({fl_arr, fl_lane}),
    .pay_o  (unused_fl_pay),
    .idx_o  (unused_fl_port)
  );

  assign f_spread = fl_arr - fe_arr;
  assign form_now = !formed_q && try_q && (nbuf == LANES_NB) && (f_spread <= MAX_SKEW);
  assign probe_ev = !formed_q && try_q && (nbuf == LANES_NB) && (f_spread > MAX_SKEW);

  // ---------------------------------------------------------------------------------------
  // Aligned lanes: normalised marker arrival times (model: normalised, skews, join).
  // ---------------------------------------------------------------------------------------
  logic             a_have;
  logic [POS_W-1:0] ae_norm, al_norm;
  logic [15:0]      ae_lane, al_lane;
  logic [PN_W-1:0]  unused_ae_port;
  logic [NB_W-1:0]  n_al;

  // The earliest aligned lane carries its last marker (arrival, base, global slot) as the
  // join reference, so no port-indexed read is needed.
  localparam int REF_W = 2 * POS_W + G_W;
  logic [REF_W*PORTS-1:0] ref_v;
  logic [POS_W-1:0]       e_lma, e_base;
  logic [G_W-1:0]         e_lmg;
  logic [PN_W-1:0]        unused_al_port;
  logic                   unused_al_have, unused_al_pay;

`ifdef SYNTHESIS
  for (genvar p = 0; p < PORTS; p++) begin : gen_join_refs
    assign ref_v[REF_W*p +: REF_W] = {lma_v[POS_W*p +: POS_W], base_v[POS_W*p +: POS_W],
                                      lmg_v[G_W*p +: G_W]};
  end
`else
  function automatic logic [REF_W*PORTS-1:0] join_refs();
    logic [REF_W*PORTS-1:0] r;
    for (int p = 0; p < PORTS; p++) begin
      r[REF_W*p +: REF_W] = {lma_v[POS_W*p +: POS_W], base_v[POS_W*p +: POS_W],
                             lmg_v[G_W*p +: G_W]};
    end
    join_refs = r;
  endfunction

  always @(lma_v or base_v or lmg_v) begin
    ref_v = join_refs();
  end
`endif

  port_count #(.N(PORTS), .W(NB_W)) u_n_al (.bits_i(al_v), .count_o(n_al));

  port_tree #(
    .N    (PORTS),
    .KEY_W(POS_W + 16),
    .PAY_W(REF_W),
    .MAX  (1'b0)
  ) u_al_early (
    .valid_i(al_v),
    .key_i  (norm_key_v),
    .pay_i  (ref_v),
    .valid_o(a_have),
    .key_o  ({ae_norm, ae_lane}),
    .pay_o  ({e_lma, e_base, e_lmg}),
    .idx_o  (unused_ae_port)
  );
  port_tree #(
    .N    (PORTS),
    .KEY_W(POS_W + 16),
    .PAY_W(1),
    .MAX  (1'b1)
  ) u_al_late (
    .valid_i(al_v),
    .key_i  (norm_key_v),
    .pay_i  ({PORTS{1'b0}}),
    .valid_o(unused_al_have),
    .key_o  ({al_norm, al_lane}),
    .pay_o  (unused_al_pay),
    .idx_o  (unused_al_port)
  );

  // ---------------------------------------------------------------------------------------
  // Release of global slot g (model: poll, release).
  // ---------------------------------------------------------------------------------------
  // Per-port release flags (deskew_port).
  logic [PORTS-1:0] rdy_v, rdy2_v, stale_v, present_v, data2_v, big_v;

  logic all_ready, all_ready2, any_stale, rel, rel2, degraded;
  assign all_ready  = &(rdy_v | ~al_v);
  assign all_ready2 = &(rdy2_v | ~al_v);
  assign any_stale  = |stale_v;
  assign rel        = formed_q && all_ready && !any_stale;
  // With a lane missing no slot can be a stripe, so a second slot (g + 1) is released in
  // the same clock when it is ready: the backlog a leaving lane leaves (the model releases
  // it at once) drains before the lane can rejoin, even at one block per clock.
  assign degraded   = (n_al != LANES_NB);
  assign rel2       = rel && degraded && all_ready2;

  // A lane that falls behind by more than the buffers hold leaves (lowest lane first).
  logic [PORTS-1:0] ovf_leave;
  logic             ovf_ev;
  logic [15:0]      ovf_lane;
  logic [PORTS-1:0] behind_v;
  logic             ovf_cand;
  logic [PN_W-1:0]  unused_ovf_port;
  logic             unused_ovf_pay;
  assign behind_v = al_v & ~rdy_v;
  port_tree #(
    .N    (PORTS),
    .KEY_W(16),
    .PAY_W(1),
    .MAX  (1'b0)
  ) u_ovf_lane (
    .valid_i(behind_v),
    .key_i  (lane_v),
    .pay_i  ({PORTS{1'b0}}),
    .valid_o(ovf_cand),
    .key_o  (ovf_lane),
    .pay_o  (unused_ovf_pay),
    .idx_o  (unused_ovf_port)
  );
  assign ovf_ev = formed_q && !all_ready && (|big_v) && ovf_cand;
`ifdef SYNTHESIS
  for (genvar p = 0; p < PORTS; p++) begin : gen_ovf_leave
    assign ovf_leave[p] = ovf_ev && behind_v[p] && (lane_v[16*p +: 16] == ovf_lane);
  end
`else
  function automatic logic [PORTS-1:0] ovf_leaves();
    logic [PORTS-1:0] v;
    for (int p = 0; p < PORTS; p++) begin
      v[p] = ovf_ev && behind_v[p] && (lane_v[16*p +: 16] == ovf_lane);
    end
    ovf_leaves = v;
  endfunction

  always @(ovf_ev or behind_v or lane_v or ovf_lane) begin
    ovf_leave = ovf_leaves();
  end
`endif

  // Classification of the released slot.
  logic [NB_W-1:0]     data_n, idle_n, present_n;
  logic                suspect, is_marker, stripe, lost, idle, unread;
  logic [64*LANES-1:0] stripe_data;
  logic [64*PORTS-1:0] reo_data;

  logic [PORTS-1:0] data_v, idle_v;
`ifdef SYNTHESIS
  for (genvar p = 0; p < PORTS; p++) begin : gen_kind_flags
    assign data_v[p] = present_v[p] && (hkind_v[2*p +: 2] == SYM_DATA);
    assign idle_v[p] = present_v[p] && (hkind_v[2*p +: 2] == SYM_IDLE);
  end
`else
  function automatic logic [2*PORTS-1:0] kind_flags();
    logic [PORTS-1:0] d, i;
    for (int p = 0; p < PORTS; p++) begin
      d[p] = present_v[p] && (hkind_v[2*p +: 2] == SYM_DATA);
      i[p] = present_v[p] && (hkind_v[2*p +: 2] == SYM_IDLE);
    end
    kind_flags = {d, i};
  endfunction

  logic [2*PORTS-1:0] kind_flags_r;
  always @(present_v or hkind_v) begin
    kind_flags_r = kind_flags();
  end
  assign {data_v, idle_v} = kind_flags_r;
`endif
  port_count #(.N(PORTS), .W(NB_W)) u_present_n (.bits_i(present_v), .count_o(present_n));
  port_count #(.N(PORTS), .W(NB_W)) u_data_n (.bits_i(data_v), .count_o(data_n));
  port_count #(.N(PORTS), .W(NB_W)) u_idle_n (.bits_i(idle_v), .count_o(idle_n));
  assign suspect = |(present_v & badw_v);

  // Reorder (model: the stripe from port_of_lane): the aligned ports sorted by lane. The
  // order depends only on which port carries which lane in the link, so it is worked out
  // on the clock that changes that (from the next state) and kept; the head words of the
  // ports go through it on every release. On a stripe every lane is aligned and present,
  // so sorted position l holds lane l's word. Two forms of the same permutation:
  // * PORT_INSTANCES (synthesis): the sort's exchange pattern, kept in reo_swap_q, sets a
  //   perm_net (P log2(P)^2 / 4 two-way exchanges of 64-bit words);
  // * otherwise (simulators): the sort's payload, each sorted position's port number,
  //   kept in reo_pol_q, indexes the head words (P reads a clock instead of the exchanges
  //   in a Verilated model's C++). Out of the same sort, so position s gets the word of
  //   port reo_pol_q[s] in both.
  localparam int R_L   = (PORTS > 1) ? $clog2(PORTS) : 1;
  localparam int R_LAY = R_L * (R_L + 1) / 2;
  localparam int RK_W  = 1 + LI_W;               // {not aligned, lane}
  // The payload, each record's port number, is read only by the table; the network takes
  // the exchange pattern alone, so there the payload is one constant bit (a hierarchical
  // synthesis keeps a sort_cx's unused outputs: 2 (PN_W - 1) gates each).
  localparam int RP_W  = PORT_INSTANCES ? 1 : PN_W;

  // Port p at position p: the table's reset value (the network's all-zero pattern).
  function automatic logic [PORTS*PN_W-1:0] port_identity(input int ports);
    logic [PORTS*PN_W-1:0] v;
    v = '0;
    for (int p = 0; p < ports; p++) v[p*PN_W +: PN_W] = PN_W'(p);
    port_identity = v;
  endfunction
  localparam logic [PORTS*PN_W-1:0] POL_RESET = port_identity(PORTS);

  logic [PORTS*RK_W-1:0]  rk_in, rk_srt;
  logic [PORTS*RP_W-1:0]  rpay_in, rpay_srt;
  logic [R_LAY*PORTS-1:0] reo_swap;
  logic                   reo_change;
  logic [PORTS-1:0]       reo_change_v;
  logic [16*PORTS-1:0]    lane_d_v;

`ifdef SYNTHESIS
  // (Synthesis: one assign per port; Yosys unrolls procedural loops slowly.)
  for (genvar p = 0; p < PORTS; p++) begin : gen_reorder_keys
    assign rk_in[p*RK_W +: RK_W] = {!al_d_v[p], lane_d_v[16*p +: LI_W]};
  end
  logic unused_lane_d_hi;  // lane numbers are below LANES: their low LI_W bits are the key
  assign unused_lane_d_hi = ^lane_d_v;
`else
  // Loops that build a whole vector are functions called once per evaluation, from a
  // block that names what they read (docs/rtl.md "Channel loops").
  function automatic logic [PORTS*RK_W-1:0] reorder_keys();
    logic [PORTS*RK_W-1:0] k;
    k = (PORTS*RK_W)'(0);
    for (int p = 0; p < PORTS; p++) k[p*RK_W +: RK_W] = {!al_d_v[p], lane_d_v[16*p +: LI_W]};
    reorder_keys = k;
  endfunction

  always @(al_d_v or lane_d_v) begin
    rk_in = reorder_keys();
  end
`endif
  assign rpay_in = PORT_INSTANCES ? (PORTS*RP_W)'(0) : (PORTS*RP_W)'(POL_RESET);
  assign reo_change = |reo_change_v;

  sort_net #(
    .N    (PORTS),
    .KEY_W(RK_W),
    .PAY_W(RP_W)
  ) u_reorder_sort (
    .en_i  (reo_change),
    .key_i (rk_in),
    .pay_i (rpay_in),
    .key_o (rk_srt),
    .pay_o (rpay_srt),
    .swap_o(reo_swap)
  );

  logic unused_reorder_keys;
  assign unused_reorder_keys = ^rk_srt;

  if (PORT_INSTANCES) begin : gen_reorder_net
    logic [R_LAY*PORTS-1:0] reo_swap_q;
    logic                   unused_reorder_ports;
    assign unused_reorder_ports = ^rpay_srt;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)         reo_swap_q <= (R_LAY*PORTS)'(0);
      else if (reo_change) reo_swap_q <= reo_swap;
    end

    perm_net #(
      .N      (PORTS),
      .W      (64),
      .REVERSE(1'b0)
    ) u_reorder (
      .swap_i(reo_swap_q),
      .data_i(hdata_v),
      .data_o(reo_data)
    );
  end else begin : gen_reorder_table
    logic [PORTS*PN_W-1:0]  reo_pol_q;
    logic [R_LAY*PORTS-1:0] unused_reorder_swaps;
    assign unused_reorder_swaps = reo_swap;

    // The identity until the first change (as the network's all-zero pattern).

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)         reo_pol_q <= POL_RESET;
      else if (reo_change) reo_pol_q <= rpay_srt;
    end

    function automatic logic [64*PORTS-1:0] table_read();
      logic [64*PORTS-1:0] v;
      v = (64*PORTS)'(0);
      for (int s = 0; s < PORTS; s++) begin
        v[64*s +: 64] = hdata_v[64*32'(reo_pol_q[PN_W*s +: PN_W]) +: 64];
      end
      table_read = v;
    endfunction

    always @(reo_pol_q or hdata_v) begin
      reo_data = table_read();
    end
  end
  assign stripe_data = reo_data[64*LANES-1:0];
  if (PORTS > LANES) begin : gen_spare_words
    logic unused_spare_words;  // sorted positions LANES.. hold ports outside the link
    assign unused_spare_words = ^reo_data[64*PORTS-1:64*LANES];
  end

  assign is_marker = (gph_q == {AM_W{1'b0}});
  assign stripe    = rel && !is_marker && (data_n == LANES_NB) && !suspect;
  assign lost      = rel && !is_marker && !stripe && (data_n != {NB_W{1'b0}});
  assign idle      = rel && !is_marker && (data_n == {NB_W{1'b0}}) && (idle_n == LANES_NB);
  assign unread    = rel && !is_marker && (data_n == {NB_W{1'b0}}) && (idle_n != LANES_NB) &&
                     ((present_n != {NB_W{1'b0}}) || (n_al != {NB_W{1'b0}}));

  // The second slot of a degraded release: lost if any lane has data, else unreadable.
  logic is_marker2, lost2, unread2;
  assign is_marker2 = (gph_q == AM_LAST);
  assign lost2      = rel2 && !is_marker2 && (|data2_v);
  assign unread2    = rel2 && !is_marker2 && !(|data2_v);

  // ---------------------------------------------------------------------------------------
  // Per port: deskew state machine and buffer.
  // ---------------------------------------------------------------------------------------
  logic [PORTS-1:0] join_ev_v, jfault_v, dup_ev_v, leave_now_v;

  logic [2*PORTS-1:0]    dup_kind_v;  // the other port: 0 aligned, 1 buffering, 2 claimant
  logic [POS_W*PORTS-1:0] jf_spread_v;
  logic [16*PORTS-1:0]    jf_early_v, jf_late_v;
  logic [POS_W*PORTS-1:0] ev_pos_v;

  assign ev_pos_v   = ev_pos_i;

  // ---------------------------------------------------------------------------------------
  // Lane claims (model: port_of_lane, buffering_port_of_lane, duplicate_lane), by sorting.
  //
  // A claim is a marker of lane L < LANES on a port that does not already carry L in the
  // link: a buffering claim before formation, a join once formed. Whether L is held by
  // another port, aligned (leaving in this clock or not, below this port or not) or
  // buffering, and whether other ports claim L in the same clock, is found without a
  // lanes-by-ports table: the 2 PORTS records (one per port for its state, one per port
  // for its claim) are sorted by (lane, port, record type), the records of each lane then
  // lie side by side, one pass over the sorted records finds each lane's holders and
  // claimants before and after each record, and the answers go back to the records
  // through the sort's own exchange pattern. The sort runs only on clocks with a claim.
  // ---------------------------------------------------------------------------------------
  localparam int NR    = 2 * PORTS;               // records: state 0..P-1, claims P..2P-1
  localparam int CK_W  = 1 + LI_W + PN_W + 1;     // {invalid, lane, port, is claim}
  localparam int CF_W  = 5;                       // {al, al leaving, al overflow, buf, bev}
  localparam int CR_W  = 8;                       // answers, see below
  localparam int C_L   = (NR > 1) ? $clog2(NR) : 1;
  localparam int C_LAY = C_L * (C_L + 1) / 2;

  logic [PORTS-1:0]        claim_v;     // a claim on this clock
  logic [PORTS-1:0]        buf_ev_v;    // ... that makes the port buffering (not formed)
  logic [16*PORTS-1:0]     ev_lane_v;
  logic [NR*CK_W-1:0]      ck_in, ck_srt;
  logic [NR*CF_W-1:0]      cf_in, cf_srt;
  logic [C_LAY*NR-1:0]     c_swap;
  logic [NR*CR_W-1:0]      cr_srt, cr_back;
  logic                    any_claim;

  assign ev_lane_v = ev_lane_i;
  assign any_claim = |claim_v;

  // An invalid record r has the key {1, r}: sorted after every valid one, in record order.
`ifndef SYNTHESIS
  function automatic logic [NR*CK_W-1:0] invalid_records(input int records);
    logic [NR*CK_W-1:0] k;
    k = '0;
    for (int r = 0; r < records; r++) begin
      k[r*CK_W +: CK_W] = {1'b1, (CK_W-1)'(r)};
    end
    invalid_records = k;
  endfunction
  localparam logic [NR*CK_W-1:0] CK_INVALID = invalid_records(NR);
`endif

`ifdef SYNTHESIS
  for (genvar q = 0; q < PORTS; q++) begin : gen_claim_records
    logic held;
    assign held = (st_v[2*q +: 2] == ST_AL || st_v[2*q +: 2] == ST_BUF) &&
                  lane_v[16*q +: 16] < LANES16;
    assign ck_in[q*CK_W +: CK_W] = held ? {1'b0, lane_v[16*q +: LI_W], PN_W'(q), 1'b0}
                                        : {1'b1, (CK_W-1)'(q)};
    assign cf_in[q*CF_W +: CF_W] = held ? {st_v[2*q +: 2] == ST_AL, leave_now_v[q], ovf_leave[q],
                                           st_v[2*q +: 2] == ST_BUF, 1'b0} : CF_W'(0);
    assign ck_in[(PORTS+q)*CK_W +: CK_W] = claim_v[q] ?
        {1'b0, ev_lane_v[16*q +: LI_W], PN_W'(q), 1'b1} : {1'b1, (CK_W-1)'(PORTS+q)};
    assign cf_in[(PORTS+q)*CF_W +: CF_W] = claim_v[q] ? {4'b0000, buf_ev_v[q]} : CF_W'(0);
  end
`else
  // Returns {keys, flags}.
  function automatic logic [NR*(CK_W+CF_W)-1:0] claim_records();
    logic [NR*CK_W-1:0] ck;
    logic [NR*CF_W-1:0] cf;
    ck = CK_INVALID;
    cf = (NR*CF_W)'(0);
    for (int q = 0; q < PORTS; q++) begin
      // State record: an aligned or buffering port and its lane.
      if ((st_v[2*q +: 2] == ST_AL || st_v[2*q +: 2] == ST_BUF) &&
          lane_v[16*q +: 16] < LANES16) begin
        ck[q*CK_W +: CK_W] = {1'b0, lane_v[16*q +: LI_W], PN_W'(q), 1'b0};
        cf[q*CF_W +: CF_W] = {st_v[2*q +: 2] == ST_AL, leave_now_v[q], ovf_leave[q],
                              st_v[2*q +: 2] == ST_BUF, 1'b0};
      end
      // Claim record.
      if (claim_v[q]) begin
        ck[(PORTS+q)*CK_W +: CK_W] = {1'b0, ev_lane_v[16*q +: LI_W], PN_W'(q), 1'b1};
        cf[(PORTS+q)*CF_W +: CF_W] = {4'b0000, buf_ev_v[q]};
      end
    end
    claim_records = {ck, cf};
  endfunction

  logic [NR*(CK_W+CF_W)-1:0] claim_r;
  always @(st_v or lane_v or leave_now_v or ovf_leave or claim_v or ev_lane_v or buf_ev_v) begin
    claim_r = claim_records();
  end
  assign {ck_in, cf_in} = claim_r;
`endif

  sort_net #(
    .N    (NR),
    .KEY_W(CK_W),
    .PAY_W(CF_W)
  ) u_claim_sort (
    .en_i  (any_claim),
    .key_i (ck_in),
    .pay_i (cf_in),
    .key_o (ck_srt),
    .pay_o (cf_srt),
    .swap_o(c_swap)
  );

  // One pass each way over the sorted records: flags of the same lane's records before
  // (pre) and after (suf) each one. Answers per record, CR_W bits:
  // {lane aligned somewhere, aligned on a record before this one (a lower port), the
  //  aligned port leaves, it leaves by overflow, lane buffered somewhere, lane claimed to
  //  buffer somewhere, such a claim before this one, such a claim after this one}.
`ifdef SYNTHESIS
  // (split_var: each record's pre / suf reads its neighbour's, UNOPTFLAT otherwise.)
  logic [NR*CF_W-1:0] pre /* verilator split_var */;
  logic [NR*CF_W-1:0] suf /* verilator split_var */;
  assign pre[0 +: CF_W]         = CF_W'(0);
  assign suf[(NR-1)*CF_W +: CF_W] = CF_W'(0);
  for (genvar r = 0; r < NR; r++) begin : gen_claim_answers
    if (r > 0) begin : gen_pre
      assign pre[r*CF_W +: CF_W] =
          (!ck_srt[r*CK_W + CK_W-1] &&
           ck_srt[r*CK_W + PN_W + 1 +: LI_W] == ck_srt[(r-1)*CK_W + PN_W + 1 +: LI_W]) ?
          (pre[(r-1)*CF_W +: CF_W] | cf_srt[(r-1)*CF_W +: CF_W]) : CF_W'(0);
    end
    if (r < NR - 1) begin : gen_suf
      assign suf[r*CF_W +: CF_W] =
          (!ck_srt[(r+1)*CK_W + CK_W-1] &&
           ck_srt[r*CK_W + PN_W + 1 +: LI_W] == ck_srt[(r+1)*CK_W + PN_W + 1 +: LI_W]) ?
          (suf[(r+1)*CF_W +: CF_W] | cf_srt[(r+1)*CF_W +: CF_W]) : CF_W'(0);
    end
    logic [CF_W-1:0] g;
    assign g = pre[r*CF_W +: CF_W] | cf_srt[r*CF_W +: CF_W] | suf[r*CF_W +: CF_W];
    assign cr_srt[r*CR_W +: CR_W] = any_claim ?
        {g[4], pre[r*CF_W + 4], g[3], g[2], g[1], g[0], pre[r*CF_W], suf[r*CF_W]} : CR_W'(0);
  end
`else
  function automatic logic [NR*CR_W-1:0] claim_answers();
    logic [NR*CF_W-1:0] pre, suf;
    logic [NR*CR_W-1:0] cr;
    logic [CF_W-1:0]    g;
    pre = (NR*CF_W)'(0);
    suf = (NR*CF_W)'(0);
    cr  = (NR*CR_W)'(0);
    if (any_claim) begin
      for (int r = 1; r < NR; r++) begin
        if (!ck_srt[r*CK_W + CK_W-1] &&
            ck_srt[r*CK_W + PN_W + 1 +: LI_W] == ck_srt[(r-1)*CK_W + PN_W + 1 +: LI_W]) begin
          pre[r*CF_W +: CF_W] = pre[(r-1)*CF_W +: CF_W] | cf_srt[(r-1)*CF_W +: CF_W];
        end
      end
      for (int r = NR - 2; r >= 0; r--) begin
        if (!ck_srt[(r+1)*CK_W + CK_W-1] &&
            ck_srt[r*CK_W + PN_W + 1 +: LI_W] == ck_srt[(r+1)*CK_W + PN_W + 1 +: LI_W]) begin
          suf[r*CF_W +: CF_W] = suf[(r+1)*CF_W +: CF_W] | cf_srt[(r+1)*CF_W +: CF_W];
        end
      end
      for (int r = 0; r < NR; r++) begin
        g = pre[r*CF_W +: CF_W] | cf_srt[r*CF_W +: CF_W] | suf[r*CF_W +: CF_W];
        cr[r*CR_W +: CR_W] = {g[4], pre[r*CF_W + 4], g[3], g[2], g[1], g[0],
                              pre[r*CF_W], suf[r*CF_W]};
      end
    end
    claim_answers = cr;
  endfunction

  always @(any_claim or ck_srt or cf_srt) begin
    cr_srt = claim_answers();
  end
`endif

  perm_net #(
    .N      (NR),
    .W      (CR_W),
    .REVERSE(1'b1)
  ) u_claim_back (
    .swap_i(c_swap),
    .data_i(cr_srt),
    .data_o(cr_back)
  );

  // The per-port state machines and buffers: one deskew_port for all ports (simulators
  // run one copy of the logic), or one per port for synthesis (each synthesized once);
  // tessera_rx chooses (PORT_INSTANCES).
  localparam int NI = PORT_INSTANCES ? PORTS : 1;   // instances
  localparam int CI = PORT_INSTANCES ? 1 : PORTS;   // ports per instance

  logic [8*PORTS-1:0] c_ans_v, s_ans_v;
  assign s_ans_v = cr_back[8*PORTS-1:0];
  assign c_ans_v = cr_back[8*NR-1:8*PORTS];

  for (genvar i = 0; i < NI; i++) begin : gen_port
    deskew_port #(
      .CH           (CI),
      .LANES        (LANES),
      .AM_PERIOD    (AM_PERIOD),
      .MAX_SKEW_BITS(MAX_SKEW_BITS),
      .POS_W        (POS_W),
      .G_W          (G_W),
      .DEPTH        (DEPTH),
      .CAP          (CAP),
      .RELEASE_HOLD (RELEASE_HOLD)
    ) u_deskew_port (
      .clk_i        (clk_i),
      .rst_ni       (rst_ni),
      .ev_marker_i  (ev_marker_i[CI*i +: CI]),
      .ev_sym_i     (ev_sym_i[CI*i +: CI]),
      .ev_unlock_i  (ev_unlock_i[CI*i +: CI]),
      .ev_lane_i    (ev_lane_i[16*CI*i +: 16*CI]),
      .ev_pos_i     (ev_pos_i[POS_W*CI*i +: POS_W*CI]),
      .ev_kind_i    (ev_kind_i[2*CI*i +: 2*CI]),
      .ev_data_i    (ev_data_i[64*CI*i +: 64*CI]),
      .ev_sh_valid_i(ev_sh_valid_i[CI*i +: CI]),
      .g_i          (g_q),
      .formed_i     (formed_q),
      .form_now_i   (form_now),
      .rel_i        (rel),
      .rel2_i       (rel2),
      .ovf_leave_i  (ovf_leave[CI*i +: CI]),
      .a_have_i     (a_have),
      .ae_norm_i    (ae_norm),
      .ae_lane_i    (ae_lane),
      .al_norm_i    (al_norm),
      .al_lane_i    (al_lane),
      .e_lma_i      (e_lma),
      .e_base_i     (e_base),
      .e_lmg_i      (e_lmg),
      .c_ans_i      (c_ans_v[8*CI*i +: 8*CI]),
      .s_ans_i      (s_ans_v[8*CI*i +: 8*CI]),
      .st_o         (st_v[2*CI*i +: 2*CI]),
      .lane_o       (lane_v[16*CI*i +: 16*CI]),
      .arr_o        (arr_v[POS_W*CI*i +: POS_W*CI]),
      .lma_o        (lma_v[POS_W*CI*i +: POS_W*CI]),
      .base_o       (base_v[POS_W*CI*i +: POS_W*CI]),
      .norm_o       (norm_v[POS_W*CI*i +: POS_W*CI]),
      .lmg_o        (lmg_v[G_W*CI*i +: G_W*CI]),
      .hkind_o      (hkind_v[2*CI*i +: 2*CI]),
      .hdata_o      (hdata_v[64*CI*i +: 64*CI]),
      .badw_o       (badw_v[CI*i +: CI]),
      .al_o         (al_v[CI*i +: CI]),
      .rdy_o        (rdy_v[CI*i +: CI]),
      .rdy2_o       (rdy2_v[CI*i +: CI]),
      .stale_o      (stale_v[CI*i +: CI]),
      .present_o    (present_v[CI*i +: CI]),
      .data2_o      (data2_v[CI*i +: CI]),
      .big_o        (big_v[CI*i +: CI]),
      .leave_now_o  (leave_now_v[CI*i +: CI]),
      .claim_o      (claim_v[CI*i +: CI]),
      .buf_ev_o     (buf_ev_v[CI*i +: CI]),
      .al_d_o       (al_d_v[CI*i +: CI]),
      .lane_d_o     (lane_d_v[16*CI*i +: 16*CI]),
      .reo_change_o (reo_change_v[CI*i +: CI]),
      .join_ev_o    (join_ev_v[CI*i +: CI]),
      .jfault_o     (jfault_v[CI*i +: CI]),
      .jf_spread_o  (jf_spread_v[POS_W*CI*i +: POS_W*CI]),
      .jf_early_o   (jf_early_v[16*CI*i +: 16*CI]),
      .jf_late_o    (jf_late_v[16*CI*i +: 16*CI]),
      .dup_ev_o     (dup_ev_v[CI*i +: CI]),
      .dup_kind_o   (dup_kind_v[2*CI*i +: 2*CI]),
      .in_link_o    (port_in_link_o[CI*i +: CI]),
      .skew_o       (port_skew_o[POS_W*CI*i +: POS_W*CI])
    );
  end

  // ---------------------------------------------------------------------------------------
  // Global state: formation, release pointer, counters, skew fault.
  // ---------------------------------------------------------------------------------------
  logic             formed_d, try_d;
  logic [POS_W-1:0] try_pos_d;
  logic [G_W-1:0]   g_d;
  logic [AM_W-1:0]  gph_d;

  assign formed_d = form_now || (formed_q && (|al_d_v));
  // The last buffering claim's position (the highest port's).
  logic             unused_try_key;
  logic [PN_W-1:0]  unused_try_port;
  logic [POS_W-1:0] try_pos_last;
  port_tree #(
    .N       (PORTS),
    .KEY_W   (1),
    .PAY_W   (POS_W),
    .MAX     (1'b0),
    .TIE_HIGH(1'b1)
  ) u_try_pos (
    .valid_i(buf_ev_v),
    .key_i  ({PORTS{1'b0}}),
    .pay_i  (ev_pos_v),
    .valid_o(try_d),
    .key_o  (unused_try_key),
    .pay_o  (try_pos_last),
    .idx_o  (unused_try_port)
  );
  assign try_pos_d = try_d ? try_pos_last : try_pos_q;

  always @(*) begin
    g_d   = g_q;
    gph_d = gph_q;
    if (form_now) begin
      g_d   = {G_W{1'b0}};
      gph_d = {AM_W{1'b0}};
    end else if (rel2) begin
      g_d   = g_q + G_W'(2);
      gph_d = (gph_q == AM_LAST) ? {{(AM_W-1){1'b0}}, 1'b1} :
              (gph_q == AM_LAST - 1'b1) ? {AM_W{1'b0}} : gph_q + AM_W'(2);
    end else if (rel) begin
      g_d   = g_q + 1'b1;
      gph_d = (gph_q == AM_LAST) ? {AM_W{1'b0}} : gph_q + 1'b1;
    end
  end

  // Skew fault and the spread probe (smallest spread seen within one marker period).
  logic             fault_q, fault_d, probe_q, probe_d;
  logic [POS_W-1:0] f_spread_q, f_spread_d, probe_start_q, probe_start_d;
  logic [15:0]      f_early_q, f_early_d, f_late_q, f_late_d;

  // The join fault of the highest port that has one.
  localparam int JF_W = POS_W + 32;
  logic [JF_W*PORTS-1:0] jf_v;
  logic                  jf_any, unused_jf_key;
  logic [POS_W-1:0]      jf_spread;
  logic [15:0]           jf_early, jf_late;
  logic [PN_W-1:0]       unused_jf_port;

`ifdef SYNTHESIS
  for (genvar p = 0; p < PORTS; p++) begin : gen_join_faults
    assign jf_v[JF_W*p +: JF_W] = {jf_spread_v[POS_W*p +: POS_W], jf_early_v[16*p +: 16],
                                   jf_late_v[16*p +: 16]};
  end
`else
  function automatic logic [JF_W*PORTS-1:0] join_faults();
    logic [JF_W*PORTS-1:0] v;
    for (int p = 0; p < PORTS; p++) begin
      v[JF_W*p +: JF_W] = {jf_spread_v[POS_W*p +: POS_W], jf_early_v[16*p +: 16],
                           jf_late_v[16*p +: 16]};
    end
    join_faults = v;
  endfunction

  always @(jf_spread_v or jf_early_v or jf_late_v) begin
    jf_v = join_faults();
  end
`endif

  port_tree #(
    .N       (PORTS),
    .KEY_W   (1),
    .PAY_W   (JF_W),
    .MAX     (1'b0),
    .TIE_HIGH(1'b1)
  ) u_join_fault (
    .valid_i(jfault_v),
    .key_i  ({PORTS{1'b0}}),
    .pay_i  (jf_v),
    .valid_o(jf_any),
    .key_o  (unused_jf_key),
    .pay_o  ({jf_spread, jf_early, jf_late}),
    .idx_o  (unused_jf_port)
  );

  always @(*) begin
    fault_d       = fault_q;
    f_spread_d    = f_spread_q;
    f_early_d     = f_early_q;
    f_late_d      = f_late_q;
    probe_d       = probe_q;
    probe_start_d = probe_start_q;
    if (form_now) begin
      fault_d = 1'b0;
      probe_d = 1'b0;
    end else if (probe_ev) begin
      if (probe_q && (try_pos_q - probe_start_q) < PB) begin
        if (f_spread < f_spread_q || !fault_q) begin
          fault_d    = 1'b1;
          f_spread_d = f_spread;
          f_early_d  = fe_lane;
          f_late_d   = fl_lane;
        end
      end else begin
        probe_d       = 1'b1;
        probe_start_d = try_pos_q;
        fault_d       = 1'b1;
        f_spread_d    = f_spread;
        f_early_d     = fe_lane;
        f_late_d      = fl_lane;
      end
    end
    if (jf_any) begin
      fault_d    = 1'b1;
      f_spread_d = jf_spread;
      f_early_d  = jf_early;
      f_late_d   = jf_late;
    end
    if (ovf_ev) begin
      fault_d    = 1'b1;
      f_spread_d = OVF_SPREAD;
      f_early_d  = ovf_lane;
      f_late_d   = ovf_lane;
    end
  end

  // Duplicate lane number: the last one seen.
  logic        dup_q, dup_d;
  logic [15:0] dup_lane_q, dup_lane_d, dup_kept_q, dup_kept_d, dup_ref_q, dup_ref_d;

  // Of several in one clock the highest port's claim is reported. The other port: the
  // lowest port claiming the lane in this clock (same-clock claims), the buffering port
  // of the lane, or its aligned port.
  localparam int DK_W = 18;  // {lane, kind}
  logic [DK_W*PORTS-1:0] dk_v;
  logic                  dup_any, unused_dup_key;
  logic [15:0]           dup_lane_new;
  logic [1:0]            dup_kind;
  logic [PN_W-1:0]       dup_port;

`ifdef SYNTHESIS
  for (genvar p = 0; p < PORTS; p++) begin : gen_dup_records
    assign dk_v[DK_W*p +: DK_W] = {ev_lane_v[16*p +: 16], dup_kind_v[2*p +: 2]};
  end
`else
  function automatic logic [DK_W*PORTS-1:0] dup_records();
    logic [DK_W*PORTS-1:0] v;
    for (int p = 0; p < PORTS; p++) begin
      v[DK_W*p +: DK_W] = {ev_lane_v[16*p +: 16], dup_kind_v[2*p +: 2]};
    end
    dup_records = v;
  endfunction

  always @(ev_lane_v or dup_kind_v) begin
    dk_v = dup_records();
  end
`endif

  port_tree #(
    .N       (PORTS),
    .KEY_W   (1),
    .PAY_W   (DK_W),
    .MAX     (1'b0),
    .TIE_HIGH(1'b1)
  ) u_dup_last (
    .valid_i(dup_ev_v),
    .key_i  ({PORTS{1'b0}}),
    .pay_i  (dk_v),
    .valid_o(dup_any),
    .key_o  (unused_dup_key),
    .pay_o  ({dup_lane_new, dup_kind}),
    .idx_o  (dup_port)
  );

  // The other port: kind 2 the lowest same-clock claimant of the lane (kind_lo), kinds 1
  // and 0 the lane's buffering or aligned port (kind_hi; at most one, the highest).
  logic [PORTS-1:0] kind_lo_v, kind_hi_v;
  logic             kind_lo, kind_hi, unused_klo_key, unused_khi_key;
  logic             unused_klo_pay, unused_khi_pay;
  logic [PN_W-1:0]  kind_lo_port, kind_hi_port;

`ifdef SYNTHESIS
  for (genvar q = 0; q < PORTS; q++) begin : gen_dup_others
    assign kind_lo_v[q] = dup_kind == 2'd2 && buf_ev_v[q] && ev_lane_v[16*q +: 16] == dup_lane_new;
    assign kind_hi_v[q] =
        (dup_kind == 2'd1 && st_v[2*q +: 2] == ST_BUF && lane_v[16*q +: 16] == dup_lane_new) ||
        (dup_kind == 2'd0 && st_v[2*q +: 2] == ST_AL && lane_v[16*q +: 16] == dup_lane_new);
  end
`else
  function automatic logic [2*PORTS-1:0] dup_others();
    logic [PORTS-1:0] lo, hi;
    for (int q = 0; q < PORTS; q++) begin
      lo[q] = dup_kind == 2'd2 && buf_ev_v[q] && ev_lane_v[16*q +: 16] == dup_lane_new;
      hi[q] = (dup_kind == 2'd1 && st_v[2*q +: 2] == ST_BUF && lane_v[16*q +: 16] == dup_lane_new) ||
              (dup_kind == 2'd0 && st_v[2*q +: 2] == ST_AL && lane_v[16*q +: 16] == dup_lane_new);
    end
    dup_others = {lo, hi};
  endfunction

  logic [2*PORTS-1:0] dup_others_r;
  always @(dup_kind or buf_ev_v or ev_lane_v or dup_lane_new or st_v or lane_v) begin
    dup_others_r = dup_others();
  end
  assign {kind_lo_v, kind_hi_v} = dup_others_r;
`endif

  port_tree #(
    .N    (PORTS),
    .KEY_W(1),
    .PAY_W(1),
    .MAX  (1'b0)
  ) u_dup_kind_lo (
    .valid_i(kind_lo_v),
    .key_i  ({PORTS{1'b0}}),
    .pay_i  ({PORTS{1'b0}}),
    .valid_o(kind_lo),
    .key_o  (unused_klo_key),
    .pay_o  (unused_klo_pay),
    .idx_o  (kind_lo_port)
  );
  port_tree #(
    .N       (PORTS),
    .KEY_W   (1),
    .PAY_W   (1),
    .MAX     (1'b0),
    .TIE_HIGH(1'b1)
  ) u_dup_kind_hi (
    .valid_i(kind_hi_v),
    .key_i  ({PORTS{1'b0}}),
    .pay_i  ({PORTS{1'b0}}),
    .valid_o(kind_hi),
    .key_o  (unused_khi_key),
    .pay_o  (unused_khi_pay),
    .idx_o  (kind_hi_port)
  );

  always @(*) begin
    dup_d      = dup_q;
    dup_lane_d = dup_lane_q;
    dup_kept_d = dup_kept_q;
    dup_ref_d  = dup_ref_q;
    if (dup_any) begin
      dup_d      = 1'b1;
      dup_lane_d = dup_lane_new;
      dup_ref_d  = 16'(dup_port);
      dup_kept_d = kind_hi ? 16'(kind_hi_port) : kind_lo ? 16'(kind_lo_port) : 16'h0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dup_q      <= 1'b0;
      dup_lane_q <= 16'h0;
      dup_kept_q <= 16'h0;
      dup_ref_q  <= 16'h0;
    end else begin
      dup_q      <= dup_d;
      dup_lane_q <= dup_lane_d;
      dup_kept_q <= dup_kept_d;
      dup_ref_q  <= dup_ref_d;
    end
  end

  assign dup_o         = dup_q;
  assign dup_lane_o    = dup_lane_q;
  assign dup_kept_o    = dup_kept_q;
  assign dup_refused_o = dup_ref_q;

  // Counters, saturating.
  function automatic logic [CNT_W-1:0] sat_add(input logic [CNT_W-1:0] a,
                                               input logic [CNT_W-1:0] b);
    logic [CNT_W:0] sum;
    sum     = {1'b0, a} + {1'b0, b};
    sat_add = sum[CNT_W] ? {CNT_W{1'b1}} : sum[CNT_W-1:0];
  endfunction

  logic [CNT_W-1:0] c_out_q, c_lost_q, c_idle_q, c_unread_q, c_form_q, c_join_q;
  logic [CNT_W-1:0] n_joins;
  logic [NB_W-1:0] n_joins_p;
  port_count #(.N(PORTS), .W(NB_W)) u_n_joins (.bits_i(join_ev_v), .count_o(n_joins_p));
  assign n_joins = CNT_W'(n_joins_p);

  logic                rx_valid_q;
  logic [64*LANES-1:0] rx_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      formed_q      <= 1'b0;
      try_q         <= 1'b0;
      try_pos_q     <= {POS_W{1'b0}};
      g_q           <= {G_W{1'b0}};
      gph_q         <= {AM_W{1'b0}};
      fault_q       <= 1'b0;
      f_spread_q    <= {POS_W{1'b0}};
      f_early_q     <= 16'h0;
      f_late_q      <= 16'h0;
      probe_q       <= 1'b0;
      probe_start_q <= {POS_W{1'b0}};
      c_out_q       <= {CNT_W{1'b0}};
      c_lost_q      <= {CNT_W{1'b0}};
      c_idle_q      <= {CNT_W{1'b0}};
      c_unread_q    <= {CNT_W{1'b0}};
      c_form_q      <= {CNT_W{1'b0}};
      c_join_q      <= {CNT_W{1'b0}};
      rx_valid_q    <= 1'b0;
      rx_data_q     <= '0;
    end else begin
      formed_q      <= formed_d;
      try_q         <= try_d;
      try_pos_q     <= try_pos_d;
      g_q           <= g_d;
      gph_q         <= gph_d;
      fault_q       <= fault_d;
      f_spread_q    <= f_spread_d;
      f_early_q     <= f_early_d;
      f_late_q      <= f_late_d;
      probe_q       <= probe_d;
      probe_start_q <= probe_start_d;
      if (stripe && !(&c_out_q))      c_out_q    <= c_out_q + 1'b1;
      c_lost_q      <= sat_add(c_lost_q, CNT_W'(lost) + CNT_W'(lost2));
      if (idle && !(&c_idle_q))       c_idle_q   <= c_idle_q + 1'b1;
      c_unread_q    <= sat_add(c_unread_q, CNT_W'(unread) + CNT_W'(unread2));
      if (form_now && !(&c_form_q))   c_form_q   <= c_form_q + 1'b1;
      c_join_q      <= sat_add(c_join_q, n_joins);
      rx_valid_q    <= stripe;
      if (stripe) rx_data_q <= stripe_data;
    end
  end

  assign rx_valid_o          = rx_valid_q;
  assign rx_data_o           = rx_data_q;
  assign formed_o            = formed_q;
  assign aligned_o           = formed_q && (n_al == LANES_NB);
  assign stripes_out_o       = c_out_q;
  assign stripes_lost_o      = c_lost_q;
  assign idle_slots_o        = c_idle_q;
  assign unreadable_slots_o  = c_unread_q;
  assign formations_o        = c_form_q;
  assign joins_o             = c_join_q;
  assign skew_fault_o        = fault_q;
  assign skew_fault_spread_o = f_spread_q;
  assign skew_fault_early_o  = f_early_q;
  assign skew_fault_late_o   = f_late_q;

endmodule
