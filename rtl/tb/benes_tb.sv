// benes_tb: unit bench of benes_route + benes_net, driven and checked from files
// (tests/rtl_benes.rs writes the cases and compares the output with tessera_model::benes).
//
// Plusargs:
//   +cases=FILE  NCASES cases, each 1 + 2 P words of 32 bits (P = 2^L):
//                  header: K in bits [15:0]: 0, or a first start with the "abandoned"
//                          entries K clocks before the real start (a start while busy);
//                  P abandoned entries, then P real entries: bit 16 valid, bits [15:0] the
//                          value (low L bits used).
//   +out=FILE    written: per case 4 + P lines (hex): the clocks from the start edge to the
//                edge that brought done_o (R(L) when right), timing flags (0 when right,
//                see below), dup_o, kept_o, cfg_o (all its bits), then word_o's P words of
//                benes_net #(L, 32) driven by cfg_o with word i = {8'hA5, 8'(case), 16'(i)}.
// Timing flags (docs/benes.md section 4): 1 busy_o low before the end, 2 done_o high before
// the end, 4 cfg_o or dup_o changed before the end, 8 done_o high for more than one clock,
// 16 busy_o high after the end, 32 no done_o within 4 R + 16 clocks. After reset cfg_o,
// dup_o, busy_o and done_o must be 0 (else FAIL). The entry inputs change right after each
// start edge (the unit must keep its own copy). Ends with DONE.
module benes_tb;

  parameter int L      = 3;
  parameter bit GATHER = 1'b0;
  parameter int NCASES = 1;

  localparam int P        = 1 << L;
  localparam int CW       = (2 * L - 1) * (P / 2);
  localparam int W        = 32;
  localparam int PER_CASE = 1 + 2 * P;
  localparam int R        = 2 * P + (L - 1) * (P / 2) + 1;  // R(L), docs/benes.md section 4

  logic              clk;
  logic              rst_n;
  logic              start;
  logic [P-1:0]      valid;
  logic [P*L-1:0]    entry;
  logic              busy, done, dup;
  logic [P-1:0]      kept;
  logic [CW-1:0]     cfg;
  logic [P*W-1:0]    word_in, word_out;
  logic [31:0]       mem [0:NCASES*PER_CASE-1];
  string             cases_file, out_file;
  int                fd;
  int                k, clocks, flags, nfail;
  logic [CW-1:0]     old_cfg;
  logic              old_dup;

  benes_route #(
    .L     (L),
    .GATHER(GATHER)
  ) u_route (
    .clk_i  (clk),
    .rst_ni (rst_n),
    .start_i(start),
    .valid_i(valid),
    .entry_i(entry),
    .busy_o (busy),
    .done_o (done),
    .dup_o  (dup),
    .kept_o (kept),
    .cfg_o  (cfg)
  );

  benes_net #(
    .L(L),
    .W(W)
  ) u_net (
    .cfg_i (cfg),
    .word_i(word_in),
    .word_o(word_out)
  );

  task automatic tick;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
  endtask

  // Drives the entries of case n, set s (0 abandoned, 1 real).
  task automatic drive(input int n, input int s);
    for (int i = 0; i < P; i++) begin
      valid[i]         = mem[n*PER_CASE + 1 + s*P + i][16];
      entry[i*L +: L]  = mem[n*PER_CASE + 1 + s*P + i][L-1:0];
    end
  endtask

  // After a start edge: inputs the unit must no longer look at.
  task automatic scramble;
    valid = ~valid;
    entry = ~entry;
  endtask

  initial begin
    if (!$value$plusargs("cases=%s", cases_file) || !$value$plusargs("out=%s", out_file)) begin
      $fatal(1, "benes_tb: need +cases=FILE and +out=FILE");
    end
    $readmemh(cases_file, mem);
    fd      = $fopen(out_file, "w");
    nfail   = 0;
    clk     = 1'b0;
    start   = 1'b0;
    valid   = '0;
    entry   = '0;
    word_in = '0;
    rst_n   = 1'b0;
    #1 rst_n = 1'b1;
    #1;
    if (cfg != CW'(0) || dup || busy || done || kept != ~P'(0)) begin
      $display("FAIL: after reset cfg_o %h dup_o %b kept_o %h busy_o %b done_o %b", cfg, dup, kept, busy,
               done);
      nfail++;
    end
    tick;
    for (int n = 0; n < NCASES; n++) begin
      flags   = 0;
      old_cfg = cfg;
      old_dup = dup;
      if (mem[n*PER_CASE][15:0] != 16'd0) begin
        // A routing started K clocks before the real one and abandoned.
        drive(n, 0);
        start = 1'b1;
        tick;
        start = 1'b0;
        scramble;
        for (k = 1; k < 32'(mem[n*PER_CASE][15:0]); k++) begin
          if (!busy) flags |= 1;
          if (done) flags |= 2;
          if (cfg != old_cfg || dup != old_dup) flags |= 4;
          tick;
        end
      end
      drive(n, 1);
      start = 1'b1;
      tick;  // the start edge e
      start = 1'b0;
      scramble;
      clocks = 0;
      while (!done && clocks < 4 * R + 16) begin
        if (!busy) flags |= 1;
        if (cfg != old_cfg || dup != old_dup) flags |= 4;
        tick;
        clocks++;
      end
      if (!done) flags |= 32;
      if (clocks != R && done) flags |= 2;
      if (busy) flags |= 16;
      for (int i = 0; i < P; i++) begin
        word_in[i*W +: W] = {8'hA5, 8'(n), 16'(i)};
      end
      #1;
      $fdisplay(fd, "%0h", clocks);
      $fdisplay(fd, "%0h", flags);
      $fdisplay(fd, "%0h", dup);
      $fdisplay(fd, "%h", kept);
      $fdisplay(fd, "%h", cfg);
      for (int o = 0; o < P; o++) begin
        $fdisplay(fd, "%h", word_out[o*W +: W]);
      end
      tick;
      if (done) begin
        flags |= 8;
        $display("FAIL: case %0d: done_o high for more than one clock", n);
      end
      if (flags != 0 || clocks != R) begin
        $display("FAIL: case %0d: %0d clocks (R = %0d), timing flags %0h", n, clocks, R, flags);
        nfail++;
      end
    end
    $fclose(fd);
    if (nfail == 0) $display("PASS: benes_tb timing");
    $display("DONE: benes_tb %0d cases, L=%0d GATHER=%0d", NCASES, L, GATHER);
    $finish;
  end

endmodule
