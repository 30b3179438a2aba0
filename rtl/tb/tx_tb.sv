// tx_tb: vector-driven test bench of tessera_tx. Needs no Rust: reads $readmemh files.
//
// Plusargs:
//   +stim=FILE    one hex word per clock: {tx_valid, tx_data[64*LANES-1:0]} (valid on top)
//   +expect=FILE  one hex word per clock: tx_serial_o[SER_W*(LANES+SPARES)-1:0]
//   +map=FILE     optional: one hex word per channel, {failed[3:0], lane[15:0]}, the lane
//                 map written while the datapath is in reset (applies from slot 0);
//                 without it the map is the identity
//   +mapwr=FILE   optional: run-time map writes, one hex word each, ascending clock,
//                 {clock[31:0], channel[15:0], failed[3:0], lane[15:0]}; the write is
//                 driven on that clock (at most one per clock)
// Files may start with // comment lines. The run length is the number of words in the
// expected file (at most MAX_CLOCKS); the stimulus file must have as many. Clock c is the c-th rising edge after rst_ni
// rises; inputs of clock c are driven and outputs of clock c compared before that edge.
// tx_ready_o is checked against docs/spec.md section 9 as well.
// Prints PASS, or FAIL with the first mismatch (clock, channel, expected, actual) and
// exits with status 1 ($fatal).
module tx_tb;

  parameter int LANES      = 4;
  parameter int SPARES     = 1;
  parameter int AM_PERIOD  = 16;
  parameter int SER_W      = 22;
  parameter int MAX_CLOCKS = 32768;
  parameter int MAX_WRITES = 1024;

  localparam int CHANNELS = LANES + SPARES;
  localparam int K        = 66 / SER_W;
  localparam int STIM_W   = 64 * LANES + 1;
  localparam int EXP_W    = SER_W * CHANNELS;
  // tessera_tx's lane-map delay, R(L) + 2 for its routing unit (docs/benes.md).
  localparam int NL        = (CHANNELS > 1) ? $clog2(CHANNELS) : 1;
  localparam int MAP_DELAY = 2 * (1 << NL) + (NL - 1) * (1 << NL) / 2 + 3;

  logic                clk;
  logic                rst_ni;
  logic                map_rst_ni;
  logic                tx_valid;
  logic [64*LANES-1:0] tx_data;
  logic                tx_ready;
  logic                map_wr;
  logic [15:0]         map_channel;
  logic [15:0]         map_lane;
  logic                map_failed;
  logic [EXP_W-1:0]    tx_serial;

  tessera_tx #(
    .LANES    (LANES),
    .SPARES   (SPARES),
    .AM_PERIOD(AM_PERIOD),
    .SER_W    (SER_W)
  ) u_dut (
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

  logic [STIM_W-1:0] stim_mem   [0:MAX_CLOCKS-1];
  logic [EXP_W-1:0]  expect_mem [0:MAX_CLOCKS-1];
  logic [19:0]       map_mem    [0:CHANNELS-1];
  logic [67:0]       wr_mem     [0:MAX_WRITES-1];

  reg [8*512-1:0] stim_file, expect_file, map_file, wr_file;
  integer clocks, writes, wr_ptr, c, ch, bad;
  logic   exp_ready;

  `include "tb_words.svh"

  initial begin
    clk = 1'b0;
    forever #5 clk = ~clk;
  end

  initial begin
    rst_ni      = 1'b0;
    map_rst_ni  = 1'b0;
    tx_valid    = 1'b0;
    tx_data     = {64*LANES{1'b0}};
    map_wr      = 1'b0;
    map_channel = 16'h0;
    map_lane    = 16'h0;
    map_failed  = 1'b0;

    if (!$value$plusargs("stim=%s", stim_file) || !$value$plusargs("expect=%s", expect_file)) begin
      $fatal(1, "FAIL: tx_tb needs +stim=FILE and +expect=FILE");
    end
    clocks = count_words(expect_file);
    if (clocks == 0 || clocks > MAX_CLOCKS) begin
      $fatal(1, "FAIL: %0s has %0d words; the bench takes 1 .. MAX_CLOCKS = %0d", expect_file,
             clocks, MAX_CLOCKS);
    end
    if (count_words(stim_file) != clocks) begin
      $fatal(1, "FAIL: %0s has %0d words, %0s has %0d", stim_file, count_words(stim_file),
             expect_file, clocks);
    end
    $readmemh(stim_file, stim_mem, 0, clocks - 1);
    $readmemh(expect_file, expect_mem, 0, clocks - 1);
    writes = 0;
    if ($value$plusargs("mapwr=%s", wr_file)) begin
      writes = count_words(wr_file);
      if (writes > MAX_WRITES) $fatal(1, "FAIL: %0s has more than MAX_WRITES = %0d words", wr_file, MAX_WRITES);
      if (writes > 0) $readmemh(wr_file, wr_mem, 0, writes - 1);
    end

    // Lane-map registers out of reset first; program them while the datapath is in reset.
    repeat (2) @(negedge clk);
    map_rst_ni = 1'b1;
    if ($value$plusargs("map=%s", map_file)) begin
      if (count_words(map_file) != CHANNELS) begin
        $fatal(1, "FAIL: %0s has %0d words, one per channel (%0d) needed", map_file,
               count_words(map_file), CHANNELS);
      end
      $readmemh(map_file, map_mem);
      for (ch = 0; ch < CHANNELS; ch = ch + 1) begin
        @(negedge clk);
        map_wr      = 1'b1;
        map_channel = ch[15:0];
        map_failed  = map_mem[ch][16];
        map_lane    = map_mem[ch][15:0];
      end
      @(negedge clk);
      map_wr = 1'b0;
      // The datapath stays in reset until the map is in force (MAP_DELAY clocks after the
      // last write, docs/spec.md "Lane map in the RTL").
      repeat (MAP_DELAY) @(negedge clk);
    end
    @(negedge clk);
    rst_ni = 1'b1;  // the next rising edge is clock 0

    wr_ptr = 0;
    for (c = 0; c < clocks; c = c + 1) begin
      {tx_valid, tx_data} = stim_mem[c];
      map_wr = 1'b0;
      if (wr_ptr < writes && wr_mem[wr_ptr][67:36] == c) begin
        map_wr      = 1'b1;
        map_channel = wr_mem[wr_ptr][35:20];
        map_failed  = wr_mem[wr_ptr][16];
        map_lane    = wr_mem[wr_ptr][15:0];
        wr_ptr      = wr_ptr + 1;
        if (wr_ptr < writes && wr_mem[wr_ptr][67:36] == c) begin
          $fatal(1, "FAIL: two map writes for clock %0d in %0s", c, wr_file);
        end
      end
      exp_ready = (c % K == 0) && ((c / K) % AM_PERIOD != 0);
      if (tx_ready !== exp_ready) begin
        $display("FAIL: clock %0d: tx_ready_o expected %0d actual %0d", c, exp_ready, tx_ready);
        $fatal(1, "FAIL");
      end
      if (tx_serial !== expect_mem[c]) begin
        for (ch = CHANNELS - 1; ch >= 0; ch = ch - 1) begin
          if (tx_serial[ch*SER_W +: SER_W] !== expect_mem[c][ch*SER_W +: SER_W]) begin
            bad = ch;  // lowest mismatching channel, found last
          end
        end
        $display("FAIL: clock %0d channel %0d: expected %h actual %h (slot %0d, serial word %0d)",
                 c, bad, expect_mem[c][bad*SER_W +: SER_W], tx_serial[bad*SER_W +: SER_W],
                 (c - 2) / K, (c - 2) % K);
        $fatal(1, "FAIL");
      end
      @(negedge clk);
    end
    $display("PASS: tx_tb %0d clocks, LANES=%0d SPARES=%0d AM_PERIOD=%0d SER_W=%0d",
             clocks, LANES, SPARES, AM_PERIOD, SER_W);
    $finish;
  end

endmodule
