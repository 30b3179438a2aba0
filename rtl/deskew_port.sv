// deskew_port: the per-port part of the receiver's deskew (docs/spec.md 11.5; model
// deskew::Deskew, per port): the port's state Idle / Buffering / Aligned, its lane, its
// marker arrival times and slot indices, its deskew buffer, its part of the release
// test, and its join arithmetic. The decisions that span ports (formation, the join
// reference, release, overflow, the lane claims) are deskew's, which feeds them back.
//
// Function:   per port, on the state before the clock and this clock's port events:
//             * release flags for global slot g_i: aligned, ready (slot g_i + HOLD
//               delivered), ready for g_i + 1, stale head entries below g_i, slot g_i
//               (and g_i + 1) present, data in slot g_i + 1, buffer past 2 CAP;
//             * claims: a marker of a lane below LANES that the port does not already
//               carry in the link (claim_o; buf_ev_o when the link is not formed), and
//               whether an aligned port leaves in this clock (leave_now_o);
//             * next state: a marker of the port's own lane pushes a marker slot; another
//               lane's marker leaves, then joins (formed: the marker slot whose aligned
//               markers arrived within MAX_SKEW_BITS, with the join reference of the
//               earliest aligned lane's last marker) or buffers (not formed); a payload
//               symbol is pushed; loss of lock or an overflow leave empties the buffer;
//               the claim answers (c_ans_i, s_ans_i: deskew's claim sort) refuse a join
//               of a lane aligned elsewhere and let a later buffering claim replace an
//               earlier one;
//             * the buffer drops stale entries and the released slot(s).
//             CH ports side by side, port c's signals in [c*W +: W] (one loop over the
//             ports; docs/rtl.md "Channel loops").
// Parameters: CH, LANES, AM_PERIOD, MAX_SKEW_BITS, POS_W, G_W, DEPTH (buffer entries),
//             CAP (buffer limit before formation, blocks), RELEASE_HOLD (slots).
// Latency:    outputs other than the claims, the next-state views (al_d_o, lane_d_o,
//             reo_change_o) and the event flags come from registers.
module deskew_port #(
  parameter int CH            = 1,
  parameter int LANES         = 4,
  parameter int AM_PERIOD     = 16,
  parameter int MAX_SKEW_BITS = 264,
  parameter int POS_W         = 48,
  parameter int G_W           = 32,
  parameter int DEPTH         = 64,
  parameter int CAP           = 28,
  parameter int RELEASE_HOLD  = 8   // the spec's release hold (deskew names it)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Port events.
  input  logic [CH-1:0]          ev_marker_i,
  input  logic [CH-1:0]          ev_sym_i,
  input  logic [CH-1:0]          ev_unlock_i,
  input  logic [16*CH-1:0]       ev_lane_i,
  input  logic [POS_W*CH-1:0]    ev_pos_i,
  input  logic [2*CH-1:0]        ev_kind_i,
  input  logic [64*CH-1:0]       ev_data_i,
  input  logic [CH-1:0]          ev_sh_valid_i,
  // Link state and decisions from deskew.
  input  logic [G_W-1:0]         g_i,          // the slot to release next
  input  logic                   formed_i,     // formed (registered)
  input  logic                   form_now_i,   // forms on this clock
  input  logic                   rel_i,        // slot g_i released on this clock
  input  logic                   rel2_i,       // ... and slot g_i + 1
  input  logic [CH-1:0]          ovf_leave_i,  // leaves by overflow on this clock
  input  logic                   a_have_i,     // some lane is aligned
  input  logic [POS_W-1:0]       ae_norm_i,    // earliest aligned lane: normalised arrival
  input  logic [15:0]            ae_lane_i,
  input  logic [POS_W-1:0]       al_norm_i,    // latest aligned lane
  input  logic [15:0]            al_lane_i,
  input  logic [POS_W-1:0]       e_lma_i,      // earliest aligned lane's last marker
  input  logic [POS_W-1:0]       e_base_i,
  input  logic [G_W-1:0]         e_lmg_i,
  input  logic [8*CH-1:0]        c_ans_i,      // claim sort answers: the claim record
  input  logic [8*CH-1:0]        s_ans_i,      // ... the state record
  // Registered state, for deskew's cross-port logic.
  output logic [2*CH-1:0]        st_o,
  output logic [16*CH-1:0]       lane_o,
  output logic [POS_W*CH-1:0]    arr_o,
  output logic [POS_W*CH-1:0]    lma_o,
  output logic [POS_W*CH-1:0]    base_o,
  output logic [POS_W*CH-1:0]    norm_o,
  output logic [G_W*CH-1:0]      lmg_o,
  output logic [2*CH-1:0]        hkind_o,
  output logic [64*CH-1:0]       hdata_o,
  output logic [CH-1:0]          badw_o,
  // Release flags.
  output logic [CH-1:0]          al_o,
  output logic [CH-1:0]          rdy_o,
  output logic [CH-1:0]          rdy2_o,
  output logic [CH-1:0]          stale_o,
  output logic [CH-1:0]          present_o,
  output logic [CH-1:0]          data2_o,
  output logic [CH-1:0]          big_o,
  // Claims.
  output logic [CH-1:0]          leave_now_o,
  output logic [CH-1:0]          claim_o,
  output logic [CH-1:0]          buf_ev_o,
  // This clock's outcome.
  output logic [CH-1:0]          al_d_o,
  output logic [16*CH-1:0]       lane_d_o,
  output logic [CH-1:0]          reo_change_o,
  output logic [CH-1:0]          join_ev_o,
  output logic [CH-1:0]          jfault_o,
  output logic [POS_W*CH-1:0]    jf_spread_o,
  output logic [16*CH-1:0]       jf_early_o,
  output logic [16*CH-1:0]       jf_late_o,
  output logic [CH-1:0]          dup_ev_o,
  output logic [2*CH-1:0]        dup_kind_o,   // the other port: 0 aligned, 1 buffering, 2 claimant
  // Status.
  output logic [CH-1:0]          in_link_o,
  output logic [POS_W*CH-1:0]    skew_o
);

  // Spec constants.
  localparam int BLOCK_BITS   = 66;

  // Derived.
  localparam int AW = $clog2(DEPTH);
  localparam int CW = AW + 1;

  localparam logic [POS_W-1:0] PB       = POS_W'(AM_PERIOD * BLOCK_BITS);
  localparam logic [POS_W-1:0] MAX_SKEW = POS_W'(MAX_SKEW_BITS);
  localparam logic [AW:0]      CAP_C    = (AW+1)'(CAP);
  localparam logic [AW:0]      CAP2_C   = (AW+1)'(2 * CAP);
  localparam logic [AW:0]      DEPTH_C  = (AW+1)'(DEPTH);
  localparam logic [G_W-1:0]   HOLD_G   = G_W'(RELEASE_HOLD);
  localparam logic [G_W-1:0]   AM_G     = G_W'(AM_PERIOD);
  localparam logic [15:0]      LANES16  = 16'(LANES);

  localparam logic [1:0] ST_IDLE = 2'd0;
  localparam logic [1:0] ST_BUF  = 2'd1;
  localparam logic [1:0] ST_AL   = 2'd2;

  localparam logic [1:0] SYM_DATA   = 2'd1;
  localparam logic [1:0] SYM_MARKER = 2'd3;

  param_assert #(
    .OK (CH >= 1 && LANES >= 1 && DEPTH >= 2 * CAP + 2 && G_W > AW + 1),
    .MSG("deskew_port: need CH >= 1, LANES >= 1, DEPTH >= 2 CAP + 2 and G_W > log2(DEPTH) + 1")
  ) u_chk ();

  // ---------------------------------------------------------------------------------------
  // Registered state, port c's in [c*W +: W].
  // ---------------------------------------------------------------------------------------
  logic [2*CH-1:0]     st_q, st_d;
  logic [16*CH-1:0]    lane_q, lane_d;
  logic [POS_W*CH-1:0] arr_q, arr_d, lma_q, lma_d, base_q, base_d;
  logic [G_W*CH-1:0]   next_q, next_d, lmg_q, lmg_d;

  // The buffers.
  logic [CH-1:0]       f_clear, f_push, f_push_bad, badw;
  logic [CW*CH-1:0]    f_drop, f_cnt;
  logic [2*CH-1:0]     f_push_kind, hkind, skind;
  logic [64*CH-1:0]    f_push_data, hdata;

  // ---------------------------------------------------------------------------------------
  // Release flags for slot g_i (model: poll): the port's oldest entry is slot
  // front = next - count; d = g - front.
  // ---------------------------------------------------------------------------------------
  logic [G_W*CH-1:0] d_v;
  logic [CH-1:0]     present2_v;
  logic [G_W-1:0]    r_front, r_ahead, r_d;
  logic [AW:0]       r_cnt;
  logic              r_al, r_behind;

  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      r_cnt    = f_cnt[c*CW +: CW];
      r_front  = next_q[c*G_W +: G_W] - {{(G_W-AW-1){1'b0}}, r_cnt};
      r_d      = g_i - r_front;
      r_ahead  = next_q[c*G_W +: G_W] - g_i;
      r_al     = (st_q[2*c +: 2] == ST_AL);
      r_behind = (r_d == {G_W{1'b1}});  // the oldest entry is slot g + 1
      d_v[c*G_W +: G_W] = r_d;
      al_o[c]      = r_al;
      rdy_o[c]     = !r_ahead[G_W-1] && (r_ahead > HOLD_G);
      rdy2_o[c]    = !r_ahead[G_W-1] && (r_ahead > HOLD_G + 1'b1);
      stale_o[c]   = r_al && (r_cnt != {CW{1'b0}}) && !r_d[G_W-1] && (r_d != {G_W{1'b0}});
      present_o[c] = r_al && (r_cnt != {CW{1'b0}}) && (r_d == {G_W{1'b0}});
      // Slot g + 1: second entry when the head is slot g, head when the head is slot g + 1.
      present2_v[c] = r_al && (((r_d == {G_W{1'b0}}) && (r_cnt > {{AW{1'b0}}, 1'b1})) ||
                               (r_behind && (r_cnt != {CW{1'b0}})));
      data2_o[c]   = present2_v[c] &&
                     ((r_behind ? hkind[2*c +: 2] : skind[2*c +: 2]) == SYM_DATA);
      big_o[c]     = (r_cnt > CAP2_C);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Claims (the inputs of deskew's claim sort).
  // ---------------------------------------------------------------------------------------
  logic [2*CH-1:0] st_base_v;
  logic [1:0]      a_st, a_eff, a_base;
  logic [15:0]     a_lane;

  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      a_st   = st_q[2*c +: 2];
      a_lane = ev_lane_i[16*c +: 16];
      a_eff  = (form_now_i && a_st == ST_BUF) ? ST_AL : a_st;
      a_base = (ev_unlock_i[c] || ovf_leave_i[c]) ? ST_IDLE : a_eff;
      st_base_v[2*c +: 2] = a_base;
      // Aligned ports that leave in this clock whatever else happens (loss of lock,
      // overflow, a marker of another lane).
      leave_now_o[c] = (a_st == ST_AL) &&
                       (ev_unlock_i[c] || ovf_leave_i[c] ||
                        (ev_marker_i[c] && a_lane != lane_q[16*c +: 16]));
      claim_o[c]  = ev_marker_i[c] && (a_lane < LANES16) &&
                    !(a_base == ST_AL && a_lane == lane_q[16*c +: 16]);
      buf_ev_o[c] = claim_o[c] && !(formed_i || form_now_i);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Next state (model: handle_marker, buffer, join, push).
  // ---------------------------------------------------------------------------------------
  logic formed_eff;
  assign formed_eff = formed_i || form_now_i;

  // The join arithmetic for a marker at position pos: k = round(delta / PB) with delta
  // the offset from the earliest aligned lane's last marker period, centred; k in -1..2
  // covers every marker that can pair. Returns {k_ok, neg, k PB, global slot} (JK_W bits).
  localparam int JK_W = 2 + POS_W + G_W;
  function automatic logic [JK_W-1:0] join_calc(
      input logic [POS_W-1:0] pos,
      input logic [POS_W-1:0] e_lma,
      input logic [G_W-1:0]   e_lmg,
      input logic [POS_W-1:0] ae_norm,
      input logic [POS_W-1:0] al_norm);
    logic [POS_W-1:0]  cen, delta, kpb;
    logic [POS_W+1:0]  twice;  // 2 * delta + PB, sign-extended
    logic signed [2:0] k;
    logic              k_ok, neg;
    logic [G_W-1:0]    glob;
    cen   = (ae_norm >> 1) + (al_norm >> 1);
    delta = (pos - e_lma) + (ae_norm - cen);
    twice = {delta[POS_W-1], delta, 1'b0} + {2'b00, PB};
    k_ok  = 1'b1;
    if (twice[POS_W+1]) begin
      // negative: -1 when twice >= -2 PB
      k    = -3'sd1;
      k_ok = ($signed(twice) >= -$signed({2'b00, PB} << 1));
    end else if (twice < ({2'b00, PB} << 1)) begin
      k = 3'sd0;
    end else if (twice < ({2'b00, PB} << 2)) begin
      k = 3'sd1;
    end else begin
      k    = 3'sd2;
      k_ok = (twice < (({2'b00, PB} << 2) + ({2'b00, PB} << 1)));
    end
    case (k)
      -3'sd1:  kpb = -PB;
      3'sd1:   kpb = PB;
      3'sd2:   kpb = PB << 1;
      default: kpb = {POS_W{1'b0}};
    endcase
    neg  = (k == -3'sd1) && (e_lmg == {G_W{1'b0}});
    glob = e_lmg + ((k == -3'sd1) ? -AM_G : (k == 3'sd1) ? AM_G :
                    (k == 3'sd2) ? (AM_G << 1) : {G_W{1'b0}});
    join_calc = {k_ok, neg, kpb, glob};
  endfunction

  // Every port's join window, as whole vectors (a function called once per evaluation,
  // docs/rtl.md "Channel loops"): the aligned lanes' normalised span with the joining
  // marker in it (jf_*, reported with a skew fault; more than MAX_SKEW_BITS is a fault).
  // Returns {spread, early lane, late lane}.
  function automatic logic [CH*(POS_W+32)-1:0] join_windows();
    logic [POS_W*CH-1:0] sp;
    logic [16*CH-1:0]    el, ll;
    // Only k PB of the join arithmetic is used here.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [JK_W-1:0]     j;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [POS_W-1:0]    t_norm, lo_t, hi_t;
    logic [15:0]         lane;
    logic                lo, hi;
    sp = (POS_W*CH)'(0);
    el = (16*CH)'(0);
    ll = (16*CH)'(0);
    for (int c = 0; c < CH; c++) begin
      // Read only with a marker (a join's skew fault): zero otherwise, and not computed.
      if (ev_marker_i[c]) begin
        j      = join_calc(ev_pos_i[POS_W*c +: POS_W], e_lma_i, e_lmg_i, ae_norm_i, al_norm_i);
        lane   = ev_lane_i[16*c +: 16];
        t_norm = ev_pos_i[POS_W*c +: POS_W] - e_base_i - j[G_W +: POS_W];
        lo     = (t_norm < ae_norm_i) || (t_norm == ae_norm_i && lane < ae_lane_i);
        hi     = (t_norm > al_norm_i) || (t_norm == al_norm_i && lane > al_lane_i);
        lo_t   = lo ? t_norm : ae_norm_i;
        hi_t   = hi ? t_norm : al_norm_i;
        sp[POS_W*c +: POS_W] = hi_t - lo_t;
        el[16*c +: 16]       = lo ? lane : ae_lane_i;
        ll[16*c +: 16]       = hi ? lane : al_lane_i;
      end
    end
    join_windows = {sp, el, ll};
  endfunction

  logic [CH*(POS_W+32)-1:0] jw_r;
  always @(ev_marker_i or ev_pos_i or ev_lane_i or e_lma_i or e_base_i or e_lmg_i or ae_norm_i or
           ae_lane_i or al_norm_i or al_lane_i) begin
    jw_r = join_windows();
  end
  assign {jf_spread_o, jf_early_o, jf_late_o} = jw_r;

  // The words pushed: a symbol's payload, zero for a marker (see b_kind below).
  function automatic logic [64*CH-1:0] push_words();
    logic [64*CH-1:0] v;
    v = (64*CH)'(0);
    for (int c = 0; c < CH; c++) begin
      if (!ev_marker_i[c] && ev_sym_i[c] && ev_kind_i[2*c +: 2] != SYM_MARKER) begin
        v[64*c +: 64] = ev_data_i[64*c +: 64];
      end
    end
    push_words = v;
  endfunction

  always @(ev_marker_i or ev_sym_i or ev_kind_i or ev_data_i) begin
    f_push_data = push_words();
  end

  // Per-port temporaries of the loop below.
  logic [1:0]        b_st, b_base, b_st0;
  logic [15:0]       b_lane, b_ev_lane, b_lane_d;
  logic [POS_W-1:0]  b_pos, b_arr_d, b_lma_d, b_base_q, b_base_d;
  logic [G_W-1:0]    b_next, b_next_d, b_lmg_d, b_d;
  logic [AW:0]       b_cnt, b_drop;
  logic              b_clear0, b_push0, b_bad, b_dup_leave, b_same_dup, b_buf_ev;
  logic [1:0]        b_kind;
  logic [POS_W-1:0]  j_kpb;
  logic              j_k_ok, j_neg, j_fault, j_dup;
  logic [G_W-1:0]    j_global;
  // The claim sort's answers for this port's claim record (c_*) and state record (s_bev).
  logic              c_al, c_al_below, c_al_leave, c_al_ovf, c_buf, c_bev_before, c_bev_after;
  logic              s_bev;

  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      b_st      = st_q[2*c +: 2];
      b_base    = st_base_v[2*c +: 2];
      b_lane    = lane_q[16*c +: 16];
      b_ev_lane = ev_lane_i[16*c +: 16];
      b_pos     = ev_pos_i[POS_W*c +: POS_W];
      b_next    = next_q[G_W*c +: G_W];
      b_base_q  = base_q[POS_W*c +: POS_W];
      b_cnt     = f_cnt[c*CW +: CW];
      b_buf_ev  = buf_ev_o[c];
      {c_al, c_al_below, c_al_leave, c_al_ovf, c_buf} = c_ans_i[8*c + 3 +: 5];
      {c_bev_before, c_bev_after} = c_ans_i[8*c +: 2];
      s_bev = s_ans_i[8*c + 2];

      // Join: the marker slot k periods from the reference.
      // (used only with a marker: not computed otherwise)
      if (ev_marker_i[c]) begin
        {j_k_ok, j_neg, j_kpb, j_global} = join_calc(b_pos, e_lma_i, e_lmg_i, ae_norm_i,
                                                     al_norm_i);
      end else begin
        {j_k_ok, j_neg, j_kpb, j_global} = JK_W'(0);
      end
      j_fault = jf_spread_o[POS_W*c +: POS_W] > MAX_SKEW;
      // Another port already carries this lane in the link, unless that port leaves in
      // this clock before this one's marker in the model's order (a lower port, or an
      // overflow decided on the clock before).
      j_dup = (b_ev_lane < LANES16) && c_al && !(b_st == ST_AL && b_lane == b_ev_lane) &&
              !(c_al_leave && (c_al_below || c_al_ovf));

      b_st0     = b_base;
      b_lane_d  = b_lane;
      b_arr_d   = arr_q[POS_W*c +: POS_W];
      b_next_d  = b_next;
      b_lma_d   = lma_q[POS_W*c +: POS_W];
      b_lmg_d   = lmg_q[G_W*c +: G_W];
      b_base_d  = b_base_q;
      b_clear0  = ev_unlock_i[c] || ovf_leave_i[c];
      b_push0   = 1'b0;
      b_kind    = SYM_MARKER;
      b_bad     = 1'b0;
      join_ev_o[c] = 1'b0;
      jfault_o[c]  = 1'b0;
      if (form_now_i && b_st == ST_BUF) begin
        b_lma_d  = arr_q[POS_W*c +: POS_W];
        b_lmg_d  = {G_W{1'b0}};
        b_base_d = {POS_W{1'b0}};
      end
      if (ev_marker_i[c]) begin
        if (b_ev_lane >= LANES16) begin
          // Spares and lane numbers beyond LANES take no part.
          b_st0    = ST_IDLE;
          b_clear0 = 1'b1;
        end else if (b_base == ST_AL && b_ev_lane == b_lane) begin
          b_push0  = 1'b1;
          b_lma_d  = b_pos;
          b_lmg_d  = b_next;
          b_base_d = b_base_q + PB;
          b_next_d = b_next + 1'b1;
        end else if (formed_eff) begin
          b_st0    = ST_IDLE;
          b_clear0 = 1'b1;
          if (!j_dup && a_have_i && j_k_ok && !j_neg) begin
            if (j_fault) begin
              jfault_o[c] = 1'b1;
            end else begin
              b_st0        = ST_AL;
              b_lane_d     = b_ev_lane;
              b_push0      = 1'b1;
              b_lma_d      = b_pos;
              b_lmg_d      = j_global;
              b_base_d     = e_base_i + j_kpb;
              b_next_d     = j_global + 1'b1;
              join_ev_o[c] = 1'b1;
            end
          end
        end else begin
          b_st0    = ST_BUF;
          b_clear0 = 1'b1;
          b_push0  = 1'b1;
          b_lane_d = b_ev_lane;
          b_arr_d  = b_pos;
          b_next_d = {{(G_W-1){1'b0}}, 1'b1};
        end
      end else if (ev_sym_i[c]) begin
        b_kind = ev_kind_i[2*c +: 2];
        b_bad  = !ev_sh_valid_i[c];
        if (b_base == ST_BUF && b_cnt >= CAP_C) begin
          // Its marker is too old to pair with any other within the skew.
          b_st0    = ST_IDLE;
          b_clear0 = 1'b1;
        end else if (b_base == ST_BUF || b_base == ST_AL) begin
          // Full is never reached with DEPTH >= 2 CAP + 2; leave rather than lose a slot.
          // (The drop below is at most the stale entries plus two released slots.)
          b_push0  = 1'b1;
          b_next_d = b_next + 1'b1;
        end
      end

      // Entries to drop: stale ones below g, and the released slot(s).
      b_d    = d_v[G_W*c +: G_W];
      b_drop = {CW{1'b0}};
      if (stale_o[c]) begin
        b_drop = (b_d > {{(G_W-AW-1){1'b0}}, b_cnt}) ? b_cnt : b_d[AW:0];
      end else if (rel_i) begin
        b_drop = {{AW{1'b0}}, present_o[c]} + {{AW{1'b0}}, rel2_i && present2_v[c]};
      end
      if (ev_sym_i[c] && !ev_marker_i[c] && b_push0 && (b_cnt - b_drop == DEPTH_C)) begin
        b_st0    = ST_IDLE;
        b_clear0 = 1'b1;
        b_push0  = 1'b0;
        b_next_d = b_next;
      end

      // A later marker of the same lane on another port replaces this buffering claim; of
      // two such markers in one clock the higher port's is the later (model: port order).
      b_dup_leave = ((b_st == ST_BUF) && !b_buf_ev && s_bev && (b_lane < LANES16)) ||
                    (b_buf_ev && c_bev_after);
      b_same_dup  = b_buf_ev && !c_bev_after && c_bev_before;

      st_d[2*c +: 2]          = b_dup_leave ? ST_IDLE : b_st0;
      lane_d[16*c +: 16]      = b_lane_d;
      arr_d[POS_W*c +: POS_W] = b_arr_d;
      next_d[G_W*c +: G_W]    = b_next_d;
      lma_d[POS_W*c +: POS_W] = b_lma_d;
      lmg_d[G_W*c +: G_W]     = b_lmg_d;
      base_d[POS_W*c +: POS_W] = b_base_d;

      f_clear[c]              = b_clear0 || b_dup_leave;
      f_push[c]               = b_push0 && !b_dup_leave;
      f_push_kind[2*c +: 2]   = b_kind;
      f_push_bad[c]           = b_bad;
      f_drop[c*CW +: CW]      = b_drop;

      // Duplicate lane numbers (model: duplicate_lane); deskew names the ports.
      dup_ev_o[c] = ev_marker_i[c] && (b_ev_lane < LANES16) &&
                    ((formed_eff && !(b_base == ST_AL && b_ev_lane == b_lane) && j_dup) ||
                     (b_buf_ev && c_buf && !(b_st == ST_BUF && b_lane == b_ev_lane)) ||
                     b_same_dup);
      dup_kind_o[2*c +: 2] = b_same_dup ? 2'd2 : b_buf_ev ? 2'd1 : 2'd0;

      al_d_o[c]              = (st_d[2*c +: 2] == ST_AL);
      lane_d_o[16*c +: 16]   = b_lane_d;
      reo_change_o[c]        = (al_d_o[c] != (b_st == ST_AL)) || (al_d_o[c] && b_lane_d != b_lane);
    end
  end

  deskew_fifo #(
    .CH   (CH),
    .DEPTH(DEPTH),
    .HOLD (RELEASE_HOLD)
  ) u_deskew_fifo (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (f_clear),
    .drop_i       (f_drop),
    .push_i       (f_push),
    .push_kind_i  (f_push_kind),
    .push_data_i  (f_push_data),
    .push_bad_i   (f_push_bad),
    .count_o      (f_cnt),
    .head_kind_o  (hkind),
    .head_data_o  (hdata),
    .second_kind_o(skind),
    .bad_win_o    (badw)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q   <= (2*CH)'(0);
      lane_q <= (16*CH)'(0);
      arr_q  <= (POS_W*CH)'(0);
      next_q <= (G_W*CH)'(0);
      lma_q  <= (POS_W*CH)'(0);
      lmg_q  <= (G_W*CH)'(0);
      base_q <= (POS_W*CH)'(0);
    end else begin
      st_q   <= st_d;
      lane_q <= lane_d;
      arr_q  <= arr_d;
      next_q <= next_d;
      lma_q  <= lma_d;
      lmg_q  <= lmg_d;
      base_q <= base_d;
    end
  end

  // Status and the registered state for deskew.
  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      norm_o[POS_W*c +: POS_W] = lma_q[POS_W*c +: POS_W] - base_q[POS_W*c +: POS_W];
      in_link_o[c]             = (st_q[2*c +: 2] == ST_AL);
    end
  end

  // The skew against the earliest aligned lane (whose normalised time is deskew's
  // reduction over norm_o: a block of its own).
  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      skew_o[POS_W*c +: POS_W] = (st_q[2*c +: 2] == ST_AL) ?
                                 (lma_q[POS_W*c +: POS_W] - base_q[POS_W*c +: POS_W] - ae_norm_i) :
                                 {POS_W{1'b0}};
    end
  end

  assign st_o    = st_q;
  assign lane_o  = lane_q;
  assign arr_o   = arr_q;
  assign lma_o   = lma_q;
  assign base_o  = base_q;
  assign lmg_o   = lmg_q;
  assign hkind_o = hkind;
  assign hdata_o = hdata;
  assign badw_o  = badw;

endmodule
