// rx_tb: vector-driven test bench of tessera_rx. Needs no Rust: reads $readmemh files.
//
// Plusargs (docs/vectors.md section 4 names the files of a set):
//   +stim=FILE         rx_stimulus: one hex word per clock, rx_serial_i[SER_W*(LANES+SPARES)-1:0]
//   +stripes=FILE      rx_stripes: the expected stripes, one per word, lane i in [64i +: 64]
//   +status=FILE       rx_status: the expected final status, 128-bit words, one per port
//                      then one for the link, laid out as docs/vectors.md section 5.5
//   +status_full=FILE  optional, every status field (Tessera RTL extension): one word per
//                      port, then one for the link, fields LSB first:
//     port word: [3:0] block lock, [7:4] marker lock, [11:8] in link, [27:12] lane (0 when
//                not marker-locked), [59:28] BIP errors, [91:60] slips, [123:92] block-lock
//                losses, [155:124] marker-lock losses, [187:156] invalid headers,
//                [235:188] skew (0 when not in the link), [283:236] bits received
//     link word: [3:0] aligned, [35:4] stripes out, [67:36] stripes lost, [99:68] idle
//                slots, [131:100] unreadable slots, [163:132] formations, [195:164] joins,
//                [199:196] skew fault, [247:200] its spread, [263:248] early lane,
//                [279:264] late lane, [283:280] duplicate lane seen, [299:284] that lane,
//                [315:300] the other port, [331:316] the port that claimed it
//   +port_status=FILE  optional, rx_port_status (docs/vectors.md section 5.6): every port's
//                      status at the end of every block period, 192-bit words, word
//                      s*P + j = port j on clock (s+1)*K (K = 66 / SER_W): [15:0] lane
//                      (0 without marker lock), [16] block lock, [17] marker lock,
//                      [63:32] BIP errors, [95:64] slips, [127:96] block-lock losses,
//                      [159:128] marker-lock losses, [191:160] invalid headers
//   +debug             print the link's formation, joins, refused duplicates and leaves
// Files may start with // comment lines. The run is the stimulus; stripes are compared
// in order as rx_valid_o shows them; with +port_status every port's status is compared
// on every clock (s+1)*K, the first clock after block period s, field by field (the
// first difference names the block period, clock, port and field); port status is
// compared after the last stimulus clock, link status and the last stripe one clock
// later (their decisions lag the port events by one clock; that extra clock carries
// zeros). All of it STATUS_LAG clocks later than docs/ports.md's contract says (the DUT
// file's status_lag): tessera_rx registers rx_serial_i once, so 1; the STATUS_LAG clocks
// after the stimulus carry zeros as well.
// Prints PASS, or FAIL with the first mismatch, and exits with status 1 ($fatal).
module rx_tb;

  parameter int LANES         = 4;
  parameter int SPARES        = 1;
  parameter int AM_PERIOD     = 16;
  parameter int SER_W         = 22;
  parameter int MAX_SKEW_BITS = 264;
  parameter int MAX_CLOCKS    = 65536;
  parameter int MAX_STRIPES   = 65536;
  parameter int MAX_PORT_WORDS = 1;  // words of +port_status (block periods x ports)
  parameter int STATUS_LAG    = 1;  // clocks the DUT's status lags the contract (input flops)

  localparam int P      = LANES + SPARES;
  localparam int CNT_W  = 32;
  localparam int PORT_W = 284;
  localparam int LINK_W = 332;
  localparam int STAT_W = (PORT_W > LINK_W) ? PORT_W : LINK_W;
  localparam int K      = 66 / SER_W;
  localparam int PST_W  = 192;

  logic                   clk, rst_ni;
  logic [SER_W*P-1:0]     rx_serial;
  logic                   rx_valid, rx_aligned, formed, skew_fault;
  logic [64*LANES-1:0]    rx_data;
  logic [P-1:0]           bl, ml, in_link;
  logic [16*P-1:0]        lane;
  logic [CNT_W*P-1:0]     bip, slips, bll, mll, invh;
  logic [48*P-1:0]        skew, bits;
  logic [CNT_W-1:0]       s_out, s_lost, s_idle, s_unread, s_form, s_join;
  logic [47:0]            f_spread;
  logic [15:0]            f_early, f_late;
  logic                   dup;
  logic [15:0]            dup_lane, dup_kept, dup_refused;

  tessera_rx #(
    .LANES        (LANES),
    .SPARES       (SPARES),
    .AM_PERIOD    (AM_PERIOD),
    .SER_W        (SER_W),
    .MAX_SKEW_BITS(MAX_SKEW_BITS),
    .CNT_W        (CNT_W)
  ) u_dut (
    .clk_i                    (clk),
    .rst_ni                   (rst_ni),
    .rx_serial_i              (rx_serial),
    .rx_valid_o               (rx_valid),
    .rx_data_o                (rx_data),
    .rx_aligned_o             (rx_aligned),
    .port_block_lock_o        (bl),
    .port_marker_lock_o       (ml),
    .port_lane_o              (lane),
    .port_bip_errors_o        (bip),
    .port_in_link_o           (in_link),
    .port_skew_o              (skew),
    .port_slips_o             (slips),
    .port_block_lock_losses_o (bll),
    .port_marker_lock_losses_o(mll),
    .port_invalid_headers_o   (invh),
    .port_bits_o              (bits),
    .formed_o                 (formed),
    .stripes_out_o            (s_out),
    .stripes_lost_o           (s_lost),
    .idle_slots_o             (s_idle),
    .unreadable_slots_o       (s_unread),
    .formations_o             (s_form),
    .joins_o                  (s_join),
    .skew_fault_o             (skew_fault),
    .skew_fault_spread_o      (f_spread),
    .skew_fault_early_o       (f_early),
    .skew_fault_late_o        (f_late),
    .dup_lane_o               (dup),
    .dup_lane_lane_o          (dup_lane),
    .dup_lane_kept_o          (dup_kept),
    .dup_lane_refused_o       (dup_refused)
  );

  logic [SER_W*P-1:0]  stim_mem   [0:MAX_CLOCKS-1];
  logic [64*LANES-1:0] stripe_mem [0:MAX_STRIPES-1];
  logic [STAT_W-1:0]   full_mem   [0:P];
  logic [127:0]        status_mem [0:P];
  logic [127:0]        vword;
  logic                have_full;
  logic [PORT_W-1:0]   port_word;
  logic [LINK_W-1:0]   link_word;
  logic [PST_W-1:0]    pst_mem    [0:MAX_PORT_WORDS-1];
  logic                have_pst;

  reg [8*512-1:0] stim_file, stripes_file, status_file, full_file, pst_file;
  integer clocks, n_stripes, got, c, j, l;

  `include "tb_words.svh"

  initial begin
    clk = 1'b0;
    forever #5 clk = ~clk;
  end

  // +debug prints the deskew's membership events (joins, refusals, leaves) as they happen.
  logic [P-1:0] in_link_q;
  integer       dbg_clock;
  initial dbg_clock = 0;
  always @(posedge clk) begin
    if (rst_ni && $test$plusargs("debug")) begin
      if (u_dut.u_deskew.form_now) $display("debug clock %0d: link forms", dbg_clock);
      for (int q = 0; q < P; q++) begin
        if (u_dut.u_deskew.join_ev_v[q]) $display("debug clock %0d: port %0d joins, lane %0d, marker at bit %0d (release pointer %0d)",
            dbg_clock, q, u_dut.ev_lane[16*q +: 16], u_dut.ev_pos[48*q +: 48], u_dut.u_deskew.g_q);
        if (u_dut.u_deskew.dup_ev_v[q]) $display("debug clock %0d: port %0d duplicate lane %0d, marker at bit %0d",
            dbg_clock, q, u_dut.ev_lane[16*q +: 16], u_dut.ev_pos[48*q +: 48]);
        if (in_link_q[q] && !u_dut.u_deskew.al_d_v[q]) $display("debug clock %0d: port %0d leaves (release pointer %0d)",
            dbg_clock, q, u_dut.u_deskew.g_q);
      end
    end
    in_link_q <= in_link;
    dbg_clock <= rst_ni ? dbg_clock + 1 : 0;
  end

  // Every port's status on clock `clock` (a positive multiple of K) against rx_port_status
  // word (clock/K - 1)*P + j, field by field; the first difference fails the run.
  task automatic check_port_status(input integer clock);
    integer period, q, f;
    logic [PST_W-1:0] want;
    logic [31:0]      exp_v, act_v;
    reg [8*24-1:0]    name;
    period = clock / K - 1;
    for (q = 0; q < P; q = q + 1) begin
      want = pst_mem[period*P + q];
      for (f = 0; f < 8; f = f + 1) begin
        case (f)
          0: begin name = "block_lock";         exp_v = {31'h0, want[16]}; act_v = {31'h0, bl[q]}; end
          1: begin name = "marker_lock";        exp_v = {31'h0, want[17]}; act_v = {31'h0, ml[q]}; end
          // The lane means something only with marker lock (0 in the file otherwise).
          2: begin name = "lane";               exp_v = {16'h0, want[15:0]};
                   act_v = {16'h0, (ml[q] ? lane[16*q +: 16] : 16'h0)}; end
          3: begin name = "bip_errors";         exp_v = want[63:32];   act_v = bip[CNT_W*q +: 32];   end
          4: begin name = "slips";              exp_v = want[95:64];   act_v = slips[CNT_W*q +: 32]; end
          5: begin name = "block_lock_losses";  exp_v = want[127:96];  act_v = bll[CNT_W*q +: 32];   end
          6: begin name = "marker_lock_losses"; exp_v = want[159:128]; act_v = mll[CNT_W*q +: 32];   end
          default: begin name = "invalid_headers"; exp_v = want[191:160]; act_v = invh[CNT_W*q +: 32]; end
        endcase
        if (act_v !== exp_v) begin
          $display("FAIL: block period %0d (clock %0d), port %0d, %0s: expected %0d actual %0d",
                   period, clock, q, name, exp_v, act_v);
          $fatal(1, "FAIL");
        end
      end
      if (want[31:18] !== 14'h0) begin
        $display("FAIL: %0s word %0d: reserved bits [31:18] set", pst_file, period*P + q);
        $fatal(1, "FAIL");
      end
    end
  endtask

  task automatic check_stripe(input integer clock);
    if (rx_valid === 1'b1) begin
      if (got >= n_stripes) begin
        $display("FAIL: clock %0d: stripe %0d out, but only %0d expected", clock, got, n_stripes);
        $fatal(1, "FAIL");
      end
      if (rx_data !== stripe_mem[got]) begin
        for (l = LANES - 1; l >= 0; l = l - 1) begin
          if (rx_data[64*l +: 64] !== stripe_mem[got][64*l +: 64]) j = l;
        end
        $display("FAIL: clock %0d: stripe %0d lane %0d: expected %h actual %h", clock, got, j,
                 stripe_mem[got][64*j +: 64], rx_data[64*j +: 64]);
        $fatal(1, "FAIL");
      end
      got = got + 1;
    end else if (rx_valid !== 1'b0) begin
      $display("FAIL: clock %0d: rx_valid_o is %b", clock, rx_valid);
      $fatal(1, "FAIL");
    end
  endtask

  integer pst_words;

  initial begin
    rst_ni    = 1'b0;
    rx_serial = {SER_W*P{1'b0}};
    if (!$value$plusargs("stim=%s", stim_file) || !$value$plusargs("stripes=%s", stripes_file) ||
        !$value$plusargs("status=%s", status_file)) begin
      $fatal(1, "FAIL: rx_tb needs +stim=FILE +stripes=FILE +status=FILE");
    end
    clocks    = count_words(stim_file);
    n_stripes = count_words(stripes_file);
    if (clocks == 0 || clocks > MAX_CLOCKS || n_stripes > MAX_STRIPES) begin
      $fatal(1, "FAIL: %0d clocks (1 .. MAX_CLOCKS = %0d) and %0d stripes (MAX_STRIPES = %0d)",
             clocks, MAX_CLOCKS, n_stripes, MAX_STRIPES);
    end
    if (count_words(status_file) != P + 1) begin
      $fatal(1, "FAIL: %0s has %0d words, %0d needed (one per port and the link)",
             status_file, count_words(status_file), P + 1);
    end
    have_full = $value$plusargs("status_full=%s", full_file);
    if (have_full) begin
      if (count_words(full_file) != P + 1) begin
        $fatal(1, "FAIL: %0s has %0d words, %0d needed (one per port and the link)",
               full_file, count_words(full_file), P + 1);
      end
      $readmemh(full_file, full_mem);
    end
    have_pst = $value$plusargs("port_status=%s", pst_file);
    if (have_pst) begin
      pst_words = count_words(pst_file);
      if (clocks % K != 0 || pst_words != (clocks / K) * P || pst_words > MAX_PORT_WORDS) begin
        $fatal(1, "FAIL: %0s has %0d words, %0d needed (%0d block periods x %0d ports; MAX_PORT_WORDS = %0d)",
               pst_file, pst_words, (clocks / K) * P, clocks / K, P, MAX_PORT_WORDS);
      end
      $readmemh(pst_file, pst_mem, 0, (clocks / K) * P - 1);
    end
    $readmemh(stim_file, stim_mem, 0, clocks - 1);
    if (n_stripes > 0) $readmemh(stripes_file, stripe_mem, 0, n_stripes - 1);
    $readmemh(status_file, status_mem);
    got = 0;

    repeat (2) @(negedge clk);
    rst_ni = 1'b1;  // the next rising edge is clock 0
    // Contract clock t (docs/ports.md) is the DUT's clock t + STATUS_LAG.
    for (c = 0; c < clocks + STATUS_LAG; c = c + 1) begin
      if (have_pst && c > STATUS_LAG && (c - STATUS_LAG) % K == 0) check_port_status(c - STATUS_LAG);
      rx_serial = (c < clocks) ? stim_mem[c] : {SER_W*P{1'b0}};
      check_stripe(c);
      @(negedge clk);
    end
    rx_serial = {SER_W*P{1'b0}};
    if (have_pst) check_port_status(clocks);
    // Port status after the last stimulus clock.
    for (j = 0; j < P; j = j + 1) begin
      vword = {slips[CNT_W*j +: 32], (in_link[j] ? skew[48*j +: 32] : 32'h0),
               bip[CNT_W*j +: 32], 12'h000, (ml[j] && lane[16*j +: 16] == 16'hffff),
               in_link[j], ml[j], bl[j], (ml[j] ? lane[16*j +: 16] : 16'h0)};
      if (vword !== status_mem[j]) begin
        $display("FAIL: port %0d status (slips, skew, BIP errors, flags spare/in link/marker lock/block lock, lane):", j);
        $display("  expected %h", status_mem[j]);
        $display("  actual   %h", vword);
        $fatal(1, "FAIL");
      end
      port_word = {bits[48*j +: 48], skew[48*j +: 48], invh[CNT_W*j +: CNT_W],
                   mll[CNT_W*j +: CNT_W], bll[CNT_W*j +: CNT_W], slips[CNT_W*j +: CNT_W],
                   bip[CNT_W*j +: CNT_W], (ml[j] ? lane[16*j +: 16] : 16'h0),
                   3'b000, in_link[j], 3'b000, ml[j], 3'b000, bl[j]};
      if (!in_link[j]) port_word[235:188] = 48'h0;
      if (have_full && port_word !== full_mem[j][PORT_W-1:0]) begin
        $display("FAIL: port %0d full status (bits, skew, invalid headers, ml losses, bl losses, slips, bip, lane, in link, ml, bl):", j);
        $display("  expected %h", full_mem[j][PORT_W-1:0]);
        $display("  actual   %h", port_word);
        $fatal(1, "FAIL");
      end
    end
    check_stripe(clocks + STATUS_LAG);
    @(negedge clk);
    check_stripe(clocks + STATUS_LAG + 1);
    vword = {s_form, s_lost, s_out, 31'h0, rx_aligned};
    if (vword !== status_mem[P]) begin
      $display("FAIL: link status (formations, stripes lost, stripes out, aligned):");
      $display("  expected %h", status_mem[P]);
      $display("  actual   %h", vword);
      $fatal(1, "FAIL");
    end
    link_word = {dup_refused, dup_kept, dup_lane, 3'b000, dup, f_late, f_early, f_spread,
                 3'b000, skew_fault, s_join, s_form, s_unread, s_idle, s_lost, s_out, 3'b000,
                 rx_aligned};
    if (skew_fault !== 1'b1) link_word[279:200] = 80'h0;
    if (dup !== 1'b1) link_word[331:284] = 48'h0;
    if (have_full && link_word !== full_mem[P][LINK_W-1:0]) begin
      $display("FAIL: link full status (dup refused, kept, lane, dup, late, early, spread, fault, joins, formations, unreadable, idle, lost, out, aligned):");
      $display("  expected %h", full_mem[P][LINK_W-1:0]);
      $display("  actual   %h", link_word);
      $fatal(1, "FAIL");
    end
    if (got != n_stripes) begin
      $display("FAIL: %0d stripes out, %0d expected", got, n_stripes);
      $fatal(1, "FAIL");
    end
    $display("PASS: rx_tb %0d clocks, %0d stripes, %0s, LANES=%0d SPARES=%0d AM_PERIOD=%0d SER_W=%0d MAX_SKEW_BITS=%0d",
             clocks, got, have_pst ? "port status every block period" : "final status only",
             LANES, SPARES, AM_PERIOD, SER_W, MAX_SKEW_BITS);
    $finish;
  end

endmodule
