// tx_diff_tb: self-checking bench of tessera_tx against tessera_tx_xbar (the crossbar lane
// select it replaced), on random stimulus: every clock's tx_ready_o and every bit of
// tx_serial_o must agree.
//
// Stimulus (from a xorshift32 generator seeded by SEED): random stripes offered on random clocks; lane-map
// writes in phases of 50 + 1.5 MAP_DELAY clocks (a short burst then none, rare, every clock) to random channels (some >= LANES+SPARES,
// ignored), with lane numbers < LANES (so duplicated and missing lanes), SPARE_LANE, other
// numbers >= LANES and random 16-bit ones, and random failed bits; map writes while rst_ni
// is low; a map_rst_ni pulse and an rst_ni pulse in the middle of the run.
// Parameters: LANES, SPARES, AM_PERIOD, SER_W (as tessera_tx), CLOCKS (at least 4 phases are run), SEED.
// Prints PASS, or FAIL with the first mismatch (clock, channel) and exits with status 1.
module tx_diff_tb;

  parameter int LANES     = 4;
  parameter int SPARES    = 1;
  parameter int AM_PERIOD = 16;
  parameter int SER_W     = 22;
  parameter int CLOCKS    = 2000;
  parameter int SEED      = 1;

  localparam int CHANNELS = LANES + SPARES;
  // tessera_tx's lane-map delay (docs/benes.md): the phases of map writes are long enough
  // for maps to come into force between them.
  localparam int NL        = (CHANNELS > 1) ? $clog2(CHANNELS) : 1;
  localparam int MAP_DELAY = 2 * (1 << NL) + (NL - 1) * (1 << NL) / 2 + 3;
  localparam int PHASE     = 50 + MAP_DELAY + MAP_DELAY / 2;
  localparam int RUN       = (CLOCKS > 4 * PHASE) ? CLOCKS : 4 * PHASE;

  logic                         clk;
  logic                         rst_ni;
  logic                         map_rst_ni;
  logic                         tx_valid;
  logic [64*LANES-1:0]          tx_data;
  logic                         ready_dut, ready_ref;
  logic                         map_wr;
  logic [15:0]                  map_channel;
  logic [15:0]                  map_lane;
  logic                         map_failed;
  logic [SER_W*CHANNELS-1:0]    serial_dut, serial_ref;
  logic [31:0]                  rng_q;
  int                           rate;
  int                           writes;

  tessera_tx #(
    .LANES(LANES), .SPARES(SPARES), .AM_PERIOD(AM_PERIOD), .SER_W(SER_W)
  ) u_dut (
    .clk_i(clk), .rst_ni(rst_ni), .map_rst_ni(map_rst_ni), .tx_valid_i(tx_valid),
    .tx_data_i(tx_data), .tx_ready_o(ready_dut), .map_wr_i(map_wr),
    .map_channel_i(map_channel), .map_lane_i(map_lane), .map_failed_i(map_failed),
    .tx_serial_o(serial_dut)
  );

  tessera_tx_xbar #(
    .LANES(LANES), .SPARES(SPARES), .AM_PERIOD(AM_PERIOD), .SER_W(SER_W)
  ) u_ref (
    .clk_i(clk), .rst_ni(rst_ni), .map_rst_ni(map_rst_ni), .tx_valid_i(tx_valid),
    .tx_data_i(tx_data), .tx_ready_o(ready_ref), .map_wr_i(map_wr),
    .map_channel_i(map_channel), .map_lane_i(map_lane), .map_failed_i(map_failed),
    .tx_serial_o(serial_ref)
  );

  // xorshift32: the next random word.
  function automatic logic [31:0] rnd();
    logic [31:0] x;
    x = rng_q;
    x = x ^ (x << 13);
    x = x ^ (x >> 17);
    x = x ^ (x << 5);
    rng_q = x;
    rnd = x;
  endfunction

  // One random map write (or none) with the current write rate (percent).
  task automatic drive_write;
    int unsigned r;
    map_wr = ((rnd() % 100) < rate);
    r = rnd() % 100;
    map_channel = (r < 90) ? 16'(rnd() % CHANNELS) : 16'(CHANNELS + (rnd() % 3));
    r = rnd() % 100;
    if (r < 60)      map_lane = 16'(rnd() % LANES);
    else if (r < 75) map_lane = 16'hFFFF;
    else if (r < 90) map_lane = 16'(LANES + (rnd() % 3));
    else             map_lane = 16'(rnd());
    map_failed = ((rnd() % 100) < 10);
    if (map_wr) writes++;
  endtask

  task automatic drive_data;
    tx_valid = ((rnd() % 100) < 85);
    for (int l = 0; l < LANES; l++) begin
      tx_data[l*64 +: 64] = {rnd(), rnd()};
    end
  endtask

  initial begin
    rng_q = 32'(SEED) ^ 32'h9E37_79B9;
    writes = 0;
    clk = 1'b0; rst_ni = 1'b0; map_rst_ni = 1'b0;
    tx_valid = 1'b0; tx_data = '0;
    map_wr = 1'b0; map_channel = '0; map_lane = '0; map_failed = 1'b0;
    #1 map_rst_ni = 1'b1;
    // Writes while the datapath is in reset.
    rate = 50;
    for (int i = 0; i < 3 * CHANNELS; i++) begin
      drive_write();
      #1 clk = 1'b1;
      #1 clk = 1'b0;
    end
    map_wr = 1'b0;
    #1 rst_ni = 1'b1;
    for (int c = 0; c < RUN; c++) begin
      // The writes come in phases: a burst of up to 4 then none, rare, every clock.
      case ((c / PHASE) % 3)
        0:       rate = ((c % PHASE) < (c / PHASE) % 5) ? 100 : 0;
        1:       rate = 5;
        default: rate = 100;
      endcase
      drive_write();
      drive_data();
      if (c == RUN / 2) begin
        map_rst_ni = 1'b0;  // async map reset mid-run
        #1 map_rst_ni = 1'b1;
      end
      if (c == (3 * RUN) / 4) begin
        rst_ni = 1'b0;      // async datapath reset mid-run
        #1 rst_ni = 1'b1;
      end
      #1;
      if (ready_dut !== ready_ref) begin
        $display("FAIL: tx_diff_tb clock %0d: tx_ready_o %b, reference %b", c, ready_dut, ready_ref);
        $fatal(1);
      end
      for (int ch = 0; ch < CHANNELS; ch++) begin
        if (serial_dut[ch*SER_W +: SER_W] !== serial_ref[ch*SER_W +: SER_W]) begin
          $display("FAIL: tx_diff_tb clock %0d channel %0d: tx_serial_o %h, reference %h",
                   c, ch, serial_dut[ch*SER_W +: SER_W], serial_ref[ch*SER_W +: SER_W]);
          $fatal(1);
        end
      end
      #1 clk = 1'b1;
      #1 clk = 1'b0;
    end
    $display("PASS: tx_diff_tb %0d clocks, %0d map writes, LANES=%0d SPARES=%0d AM_PERIOD=%0d SER_W=%0d SEED=%0d",
             RUN, writes, LANES, SPARES, AM_PERIOD, SER_W, SEED);
    $finish;
  end

endmodule
