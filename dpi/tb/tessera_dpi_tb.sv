// tessera_dpi_tb: Tessera's TX and RX RTL with the DPI-C golden model (tessera_pkg) as
// their scoreboard, under Verilator (--binary). No UVM: the pattern a UVM scoreboard
// follows, one chandle per model instance.
//
// Two model instances run side by side, each with the same configuration:
//   tx_model: the host stimulus (tessera_host_clock) drives u_tx; every clock its
//             tx_ready_o and tx_serial_o are checked (tessera_tx_clock / tessera_tx_check).
//   rx_model: its channel model takes u_tx's tx_serial_o every clock (tessera_channel_put)
//             and makes the received words (tessera_channel_get), which drive u_rx's
//             rx_serial_i and are fed, the same words, to its RX (tessera_rx_clock). u_rx
//             leaves reset when the first received word is ready (the channel carries
//             whole block periods, so it lags the TX by K + 2 clocks): its clock 0 carries
//             the first received bits, as in `tessera gen`'s rx_stimulus. Every clock u_rx's per-port status is checked, every
//             stripe on rx_valid_o / rx_data_o is checked in order, and after the run the
//             link status and that every stripe came out (docs/spec.md 11.7).
// The first difference stops the run: "FAIL: <clock, signal, channel/port/lane, expected,
// actual>" and $fatal. The end prints "PASS" with the counts.
//
// Plusargs:
//   +seed=N          the seed (default 1); printed, replays the run
//   +stripes=N       stripes the host sends (default 200)
//   +faults=FILE     more configuration lines (`key: value`, e.g. random_skew, permute, ber)
//   +clocks=N        clocks to run (default: the configuration's run plus the channel's lag)
//   +nomodel         the same loop with every model call left out (the DUTs get the host's
//                    stimulus from a table made first, the RX gets zeros): the baseline of
//                    the benchmark figure
//   +bench           the benchmark: the loop without and with the model calls, alternately
//                    twice each in this process; prints the fastest of each per clock and
//                    their ratio
//   +model_rx        with WITH_RX = 0: still run rx_model's channel and RX on u_tx's output
//                    (no RX DUT to check), to measure every model call at a width whose RX
//                    RTL is too big to simulate
// Parameters: the RTL's (LANES, SPARES, AM_PERIOD, SER_W, MAX_SKEW_BITS, CNT_W),
// WITH_RX (0: TX only, for wide links whose RX is too big to simulate) and STATUS_LAG, the
// clocks u_rx's status lags the contract of docs/ports.md (a DUT file's status_lag;
// tessera_rx registers rx_serial_i once, so 1): rx_model is fed each word that many
// clocks after u_rx, and the end of the run has that many more clocks of zeros for u_rx.
module tessera_dpi_tb;
  import tessera_pkg::*;

  parameter int LANES         = 4;
  parameter int SPARES        = 1;
  parameter int AM_PERIOD     = 32;
  parameter int SER_W         = 22;
  parameter int MAX_SKEW_BITS = 500;
  parameter int CNT_W         = 32;
  parameter bit WITH_RX       = 1'b1;
  parameter int STATUS_LAG    = 1;

  localparam int P   = LANES + SPARES;
  // tessera_tx's lane-map delay, R(L) + 2 clocks (docs/benes.md section 4).
  localparam int NL        = (P > 1) ? $clog2(P) : 1;
  localparam int MAP_DELAY = 2 * (1 << NL) + (NL - 1) * (1 << NL) / 2 + 3;
  localparam int DW  = 64 * LANES;
  localparam int SW  = SER_W * P;
  localparam int DWW = (DW + 31) / 32;
  localparam int SWW = (SW + 31) / 32;
  localparam int LAG = WITH_RX ? STATUS_LAG : 0;  // no RX DUT: the model is not delayed

  logic          clk;
  logic          rst_ni;
  logic          rx_rst_ni;
  bit            rx_started;
  logic          map_rst_ni;
  logic          tx_valid;
  logic [DW-1:0] tx_data;
  logic          tx_ready;
  logic          map_wr;
  logic [15:0]   map_channel;
  logic [15:0]   map_lane;
  logic          map_failed;
  logic [SW-1:0] tx_serial;

  tessera_tx #(
    .LANES    (LANES),
    .SPARES   (SPARES),
    .AM_PERIOD(AM_PERIOD),
    .SER_W    (SER_W)
  ) u_tx (
    .clk_i        (clk),
    .rst_ni       (rst_ni),
    .map_rst_ni   (map_rst_ni),
    .tx_valid_i   (tx_valid),
    .tx_data_i    (tx_data),
    .tx_ready_o   (tx_ready),
    .map_wr_i     (map_wr),
    .map_channel_i(map_channel),
    .map_lane_i   (map_lane),
    .map_failed_i (map_failed),
    .tx_serial_o  (tx_serial)
  );

  // RX outputs.
  logic              rx_valid, rx_aligned, formed, skew_fault, dup;
  logic [SW-1:0]     rx_serial;
  logic [DW-1:0]     rx_data;
  logic [P-1:0]      bl, ml, in_link;
  logic [16*P-1:0]   lane;
  logic [CNT_W*P-1:0] bip, slips, bll, mll, invh;
  logic [48*P-1:0]   skew, bits;
  logic [CNT_W-1:0]  s_out, s_lost, s_idle, s_unread, s_form, s_join;
  logic [47:0]       f_spread;
  logic [15:0]       f_early, f_late, dup_lane, dup_kept, dup_refused;

  if (WITH_RX) begin : g_rx
    tessera_rx #(
      .LANES        (LANES),
      .SPARES       (SPARES),
      .AM_PERIOD    (AM_PERIOD),
      .SER_W        (SER_W),
      .MAX_SKEW_BITS(MAX_SKEW_BITS),
      .CNT_W        (CNT_W)
    ) u_rx (
      .clk_i                    (clk),
      .rst_ni                   (rx_rst_ni),
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
  end else begin : g_no_rx
    assign {rx_valid, rx_aligned, formed, skew_fault, dup} = '0;
    assign {rx_data, bl, ml, in_link, lane, bip, slips, bll, mll, invh, skew, bits} = '0;
    assign {s_out, s_lost, s_idle, s_unread, s_form, s_join} = '0;
    assign {f_spread, f_early, f_late, dup_lane, dup_kept, dup_refused} = '0;
  end

  // Word arrays of the DPI calls (bit [31:0] w[], word i = bus bits [32i +: 32]).
  bit [31:0] w_data [DWW];
  bit [31:0] w_exp  [SWW];
  bit [31:0] w_tx   [SWW];
  bit [31:0] w_rx   [SWW];
  bit [31:0] w_get  [SWW];
  bit [31:0] w_out  [DWW];
  // Port status: the widest is 48 P bits.
  localparam int PWW = (48 * P + 31) / 32;
  bit [31:0] w_p [9][PWW];
  bit [31:0] w_l [17][PWW];
  bit [31:0] w_g [17][PWW];
  // Padded copies, so that every 32-bit part-select is inside the vector.
  logic [32*DWW-1:0] pad_d;
  logic [32*SWW-1:0] pad_s;
  logic [32*PWW-1:0] pad_p;

  chandle        tx_model, rx_model;
  string         cfg, faults_file, line, what;
  longint        seed, stripes, clocks, c, t0, t1, loop_ns;
  longint        best_ns[2];
  int            rc, k, fd, ch;
  bit            no_model, bench, model_rx;
  // Received words waiting for u_rx: a ring (Verilator 5.006 mixes up the words of a queue
  // of wide vectors). The channel hands out at most K + 1 words per clock.
  localparam int RXQ = 256;
  logic [SW-1:0] rxq [RXQ];
  int            rxq_head, rxq_count;
  logic [SW-1:0] rx_word;
  // Words u_rx has taken and rx_model not yet (LAG of them once the RX runs).
  logic [SW-1:0] lagq [LAG+1];
  int            lag_count;
  logic          host_valid[];
  logic [DW-1:0] host_data[];
  logic [SW-1:0] rx_table[];
  logic          rx_on[];
  longint        t0_run;

  task automatic fail(input string what, input chandle m);
    $display("FAIL: %s: %s", what, tessera_last_error(m));
    $display("FAIL: replay with +seed=%0d", seed);
    $fatal(1, "FAIL");
  endtask

  task automatic check(input int r, input string what, input chandle m);
    if (r != 0) fail(what, m);
  endtask

  // A status bus (up to 48 P bits) into word array w.
  task automatic status_words(input logic [48*P-1:0] v, output bit [31:0] w[PWW]);
    pad_p = '0;
    pad_p[48*P-1:0] = v;
    for (int i = 0; i < PWW; i++) w[i] = pad_p[32*i +: 32];
  endtask

  task automatic check_ports();
    status_words({{(47*P){1'b0}}, bl}, w_p[0]);
    status_words({{(47*P){1'b0}}, ml}, w_p[1]);
    status_words({{(32*P){1'b0}}, lane}, w_p[2]);
    status_words({{((48-CNT_W)*P){1'b0}}, bip}, w_p[3]);
    status_words({{((48-CNT_W)*P){1'b0}}, slips}, w_p[4]);
    status_words({{((48-CNT_W)*P){1'b0}}, bll}, w_p[5]);
    status_words({{((48-CNT_W)*P){1'b0}}, mll}, w_p[6]);
    status_words({{((48-CNT_W)*P){1'b0}}, invh}, w_p[7]);
    status_words(bits, w_p[8]);
    check(tessera_rx_check_ports(rx_model, CNT_W, w_p[0], w_p[1], w_p[2], w_p[3], w_p[4],
                                 w_p[5], w_p[6], w_p[7], w_p[8]),
          "tessera_rx_check_ports", rx_model);
  endtask

  task automatic check_link();
    status_words({{(48*P-1){1'b0}}, rx_aligned}, w_l[0]);
    status_words({{(47*P){1'b0}}, in_link}, w_l[1]);
    status_words(skew, w_l[2]);
    status_words({{(48*P-CNT_W){1'b0}}, s_out}, w_l[3]);
    status_words({{(48*P-CNT_W){1'b0}}, s_lost}, w_l[4]);
    status_words({{(48*P-CNT_W){1'b0}}, s_idle}, w_l[5]);
    status_words({{(48*P-CNT_W){1'b0}}, s_unread}, w_l[6]);
    status_words({{(48*P-CNT_W){1'b0}}, s_form}, w_l[7]);
    status_words({{(48*P-CNT_W){1'b0}}, s_join}, w_l[8]);
    status_words({{(48*P-1){1'b0}}, skew_fault}, w_l[9]);
    status_words({{(48*P-48){1'b0}}, f_spread}, w_l[10]);
    status_words({{(48*P-16){1'b0}}, f_early}, w_l[11]);
    status_words({{(48*P-16){1'b0}}, f_late}, w_l[12]);
    status_words({{(48*P-1){1'b0}}, dup}, w_l[13]);
    status_words({{(48*P-16){1'b0}}, dup_lane}, w_l[14]);
    status_words({{(48*P-16){1'b0}}, dup_kept}, w_l[15]);
    status_words({{(48*P-16){1'b0}}, dup_refused}, w_l[16]);
    check(tessera_rx_check_link(rx_model, CNT_W, w_l[0], w_l[1], w_l[2], w_l[3], w_l[4],
                                w_l[5], w_l[6], w_l[7], w_l[8], w_l[9], w_l[10], w_l[11],
                                w_l[12], w_l[13], w_l[14], w_l[15], w_l[16]),
          "tessera_rx_check_link", rx_model);
  endtask

  // The DUT's stripe of this clock, if any, against rx_model's.
  task automatic check_stripe();
    if (rx_valid) begin
      pad_d = '0;
      pad_d[DW-1:0] = rx_data;
      for (int i = 0; i < DWW; i++) w_out[i] = pad_d[32*i +: 32];
      check(tessera_rx_check_stripe(rx_model, w_out), "tessera_rx_check_stripe", rx_model);
    end
  endtask

  task automatic edge_();
    #1 clk = 1'b1;
    #1 clk = 1'b0;
  endtask

  initial begin
    clk = 1'b0;
    rst_ni = 1'b0;
    rx_rst_ni = 1'b0;
    rx_started = 1'b0;
    map_rst_ni = 1'b0;
    {tx_valid, tx_data, map_wr, map_channel, map_lane, map_failed} = '0;
    rx_serial = '0;
    rxq_head = 0;
    rxq_count = 0;
    lag_count = 0;
    best_ns[0] = 0;
    best_ns[1] = 0;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    if (!$value$plusargs("stripes=%d", stripes)) stripes = 200;
    no_model = $test$plusargs("nomodel");
    bench = $test$plusargs("bench");
    model_rx = WITH_RX || $test$plusargs("model_rx");
    cfg = $sformatf("lanes: %0d\nspares: %0d\nam_period: %0d\nser_w: %0d\nmax_skew_bits: %0d\nseed: %0d\nstripes: %0d\n",
                    LANES, SPARES, AM_PERIOD, SER_W, MAX_SKEW_BITS, seed, stripes);
    if ($value$plusargs("faults=%s", faults_file)) begin
      fd = $fopen(faults_file, "r");
      if (fd == 0) begin
        $display("FAIL: cannot open +faults=%s", faults_file);
        $fatal(1, "FAIL");
      end
      while ($fgets(line, fd) != 0) cfg = {cfg, line};
      $fclose(fd);
    end

    if (!bench) begin
      run(!no_model);
    end else begin
      // The benchmark: the same loop without and then with the model calls, in this process.
      // Alternating runs, the fastest of each kind (the machine's other load varies).
      for (int r = 0; r < 2; r++) begin
        run(1'b0);
        run(1'b1);
      end
      t0 = best_ns[0];
      t1 = best_ns[1];
      $display("BENCH: %0d + %0d channels, %0d clocks: %0d ns/clock without the model calls, %0d ns/clock with them: ratio %0d.%02d",
               LANES, SPARES, clocks, t0 / clocks, t1 / clocks, t1 / t0, (t1 * 100 / t0) % 100);
    end
    $finish;
  end

  // The TX lane map written while rst_ni is low (docs/rtl.md, "Lane-map write port"); both
  // DUTs in reset.
  task automatic reset_duts(input chandle m);
    rst_ni = 1'b0;
    rx_rst_ni = 1'b0;
    map_rst_ni = 1'b0;
    rx_started = 1'b0;
    rxq_head = 0;
    rxq_count = 0;
    lag_count = 0;
    {tx_valid, tx_data, map_wr, map_channel, map_lane, map_failed} = '0;
    rx_serial = '0;
    edge_();
    map_rst_ni = 1'b1;
    for (int i = 0; i < P; i++) begin
      rc = tessera_tx_map_entry(m, i);
      if (rc < 0) fail("tessera_tx_map_entry", m);
      map_wr = 1'b1;
      map_channel = 16'(i);
      map_lane = rc[15:0];
      map_failed = rc[16];
      edge_();
    end
    map_wr = 1'b0;
    // The datapath stays in reset until the map is in force (docs/spec.md, "Lane map in
    // the RTL").
    repeat (MAP_DELAY) edge_();
  endtask

  function automatic chandle new_model();
    chandle m = tessera_new(cfg);
    if (m == null) begin
      $display("FAIL: tessera_new: %s", tessera_create_error());
      $fatal(1, "FAIL");
    end
    return m;
  endfunction

  // The received word of the coming clock from the ring (zeros if none), and whether u_rx
  // has left reset: on the first clock a word is waiting.
  task automatic next_rx_word();
    if (!rx_started && rxq_count > 0) begin
      rx_started = 1'b1;
      rx_rst_ni = 1'b1;
    end
    rx_word = '0;
    if (rxq_count > 0) begin
      rx_word = rxq[rxq_head];
      rxq_head = (rxq_head + 1) % RXQ;
      rxq_count--;
    end
  endtask

  // rx_model's clock: with take, word joins the LAG words u_rx has and rx_model not yet;
  // the oldest goes to rx_model once there are more than LAG.
  task automatic feed_rx_model(input logic [SW-1:0] word, input bit take);
    if (take) begin
      lagq[lag_count] = word;
      lag_count++;
    end
    if (lag_count > (take ? LAG : 0)) begin
      pad_s = '0;
      pad_s[SW-1:0] = lagq[0];
      for (int j = 0; j < SWW; j++) w_rx[j] = pad_s[32*j +: 32];
      check(tessera_rx_clock(rx_model, w_rx), "tessera_rx_clock", rx_model);
      for (int i = 0; i < LAG; i++) lagq[i] = lagq[i + 1];
      lag_count--;
    end
  endtask

  // The channel's words for u_rx, from `serial` (w_tx) into the ring.
  task automatic channel_words(input chandle m);
    check(tessera_channel_put(m, w_tx), "tessera_channel_put", m);
    while (1) begin
      rc = tessera_channel_get(m, w_get);
      if (rc < 0) fail("tessera_channel_get", m);
      if (rc == 0) break;
      for (int j = 0; j < SWW; j++) pad_s[32*j +: 32] = w_get[j];
      if (rxq_count == RXQ) begin
        $display("FAIL: more than %0d received words waiting (clock %0d)", RXQ, c);
        $fatal(1, "FAIL");
      end
      rxq[(rxq_head + rxq_count) % RXQ] = pad_s[SW-1:0];
      rxq_count++;
    end
  endtask

  // One run of `clocks` clocks; loop_ns the loop's wall time. Without the model, the loop
  // drives tables of the same stimulus made first (by other instances) and calls nothing.
  task automatic run(input bit with_model);
    chandle tmp;
    // Two instances of the same configuration: one for the TX, one for channel + RX.
    tx_model = new_model();
    rx_model = new_model();
    check(tessera_check_rtl(tx_model, LANES, SPARES, AM_PERIOD, SER_W, -1), "TX parameters", tx_model);
    check(tessera_check_rtl(rx_model, LANES, SPARES, AM_PERIOD, SER_W, MAX_SKEW_BITS),
          "RX parameters", rx_model);
    k = tessera_clocks_per_block(tx_model);
    if (!$value$plusargs("clocks=%d", clocks)) clocks = tessera_run_clocks(tx_model) + 2 * k + 4;
    what = "";
    if (!WITH_RX) what = {what, model_rx ? ", TX RTL only (model channel and RX run)" : ", TX only"};
    if (!with_model) what = {what, ", no model calls"};
    $display("tessera_dpi_tb: seed %0d, %0d + %0d channels, SER_W %0d, %0d clocks%s", seed, LANES,
             SPARES, SER_W, clocks, what);
    if (with_model) $write("%s", tessera_describe(tx_model));
    if (!with_model) begin
      // The tables: what the host offers and what the channel hands u_rx, clock by clock.
      tmp = new_model();
      host_valid = new[clocks];
      host_data = new[clocks];
      rx_table = new[clocks];
      rx_on = new[clocks];
      rx_started = 1'b0;
      rxq_head = 0;
      rxq_count = 0;
      for (longint i = 0; i < clocks; i++) begin
        c = i;
        host_valid[i] = tessera_host_clock(tx_model, w_data) == 1;
        void'(tessera_tx_clock(tmp, host_valid[i], w_data, w_tx));
        for (int j = 0; j < DWW; j++) pad_d[32*j +: 32] = w_data[j];
        host_data[i] = pad_d[DW-1:0];
        next_rx_word();
        rx_table[i] = rx_word;
        rx_on[i] = rx_started;
        if (model_rx) channel_words(rx_model);
      end
      tessera_free(tmp);
    end
    reset_duts(tx_model);
    rst_ni = 1'b1;

    t0_run = longint'(tessera_now_ns());
    for (c = 0; c < clocks; c++) begin
      // Inputs of clock c.
      if (!with_model) begin
        tx_valid = host_valid[c];
        tx_data = host_data[c];
        rx_word = rx_table[c];
        rx_rst_ni = rx_on[c];
      end else begin
        rc = tessera_host_clock(tx_model, w_data);
        if (rc < 0) fail("tessera_host_clock", tx_model);
        tx_valid = rc[0];
        for (int j = 0; j < DWW; j++) pad_d[32*j +: 32] = w_data[j];
        tx_data = pad_d[DW-1:0];
        next_rx_word();
      end
      rx_serial = rx_word;
      #1;
      if (with_model) begin
        // TX: the model's clock, then the DUT's outputs against it.
        rc = tessera_tx_clock(tx_model, tx_valid, w_data, w_exp);
        if (rc < 0) fail("tessera_tx_clock", tx_model);
        pad_s = '0;
        pad_s[SW-1:0] = tx_serial;
        for (int j = 0; j < SWW; j++) w_tx[j] = pad_s[32*j +: 32];
        check(tessera_tx_check(tx_model, tx_ready, w_tx), "tessera_tx_check", tx_model);
        if (model_rx) begin
          // Channel: the DUT's TX output in, the received words queued for u_rx.
          channel_words(rx_model);
          // RX: status of this clock, a stripe of this clock, then the clock's word.
          if (rx_started) begin
            if (WITH_RX) begin
              check_ports();
              check_stripe();
            end
            feed_rx_model(rx_word, 1'b1);
          end
        end
      end
      edge_();
    end
    loop_ns = longint'(tessera_now_ns()) - t0_run;
    // The fastest run of each kind (kept here: Verilator 5.006 loses a variable the
    // initial block writes between two calls of this task).
    if (best_ns[with_model] == 0 || loop_ns < best_ns[with_model]) best_ns[with_model] = loop_ns;

    if (WITH_RX && with_model) begin
      // LAG clocks of zeros for u_rx while rx_model takes the words it is behind by.
      for (int i = 0; i < LAG; i++) begin
        rx_serial = '0;
        #1;
        check_ports();
        check_stripe();
        feed_rx_model('0, 1'b0);
        edge_();
      end
      // Clocks C and C + 1 carry zeros, which the model is not fed (docs/spec.md 11.7).
      rx_serial = '0;
      #1;
      check_ports();
      check_stripe();
      edge_();
      check_stripe();
      check_link();
      check(tessera_rx_check_done(rx_model), "tessera_rx_check_done", rx_model);
      // The getters give what the checks compared: the model's stripe count and lock bits.
      check(tessera_rx_link_status(rx_model, CNT_W, w_g[0], w_g[1], w_g[2], w_g[3], w_g[4], w_g[5],
                                   w_g[6], w_g[7], w_g[8], w_g[9], w_g[10], w_g[11], w_g[12],
                                   w_g[13], w_g[14], w_g[15], w_g[16]),
            "tessera_rx_link_status", rx_model);
      if (w_g[3][0] != 32'(s_out) || w_g[0][0] != 32'(rx_aligned)) begin
        $display("FAIL: tessera_rx_link_status: stripes_out %0d aligned %0d, the DUT %0d %0d",
                 w_g[3][0], w_g[0][0], s_out, rx_aligned);
        $fatal(1, "FAIL");
      end
      check(tessera_rx_port_status(rx_model, CNT_W, w_g[0], w_g[1], w_g[2], w_g[3], w_g[4], w_g[5],
                                   w_g[6], w_g[7], w_g[8]),
            "tessera_rx_port_status", rx_model);
      status_words({{(47*P){1'b0}}, bl}, w_p[0]);
      if (w_g[0] != w_p[0]) begin
        $display("FAIL: tessera_rx_port_status: port_block_lock_o differs from the DUT's");
        $fatal(1, "FAIL");
      end
      if (tessera_rx_stripes_matched(rx_model) == 0) begin
        $display("FAIL: no stripe came out of the RX (seed %0d): rx_aligned_o %b, port_block_lock_o %b, port_marker_lock_o %b, stripes_lost_o %0d",
                 seed, rx_aligned, bl, ml, s_lost);
        $fatal(1, "FAIL");
      end
    end
    if (with_model)
      $display("PASS: seed %0d, %0d clocks, TX checked every clock%s", seed, clocks,
               WITH_RX ? $sformatf(", %0d stripes out equal to the model's, RX status equal",
                                   tessera_rx_stripes_matched(rx_model)) : "");
    tessera_free(tx_model);
    tessera_free(rx_model);
  endtask

endmodule
