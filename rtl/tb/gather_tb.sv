// gather_tb: unit bench of tx_lane_gather, driven and checked from files (tests/rtl_networks.rs
// writes the cases and compares the output with its Rust reference).
//
// Plusargs:
//   +cases=FILE  NCASES cases, each CHANNELS + LANES words of 64 bits: the lane map (one
//                word per channel, lane number in the low 16 bits), then the host words
//   +out=FILE    written: per case CHANNELS lines, word_o's word of each channel (hex)
// Each case is one configuration update (upd_i high for one clock with the case's map)
// followed by the host words, so consecutive cases also check that a new map replaces
// the previous configuration completely. The first case runs right after map_rst_ni,
// without an update (the reset configuration): its map must be the identity.
module gather_tb;

  parameter int LANES    = 4;
  parameter int CHANNELS = 5;
  parameter int NCASES   = 1;

  localparam int PER_CASE = CHANNELS + LANES;

  logic                   clk;
  logic                   map_rst_ni;
  logic                   upd;
  logic [16*CHANNELS-1:0] lane_d;
  logic [64*LANES-1:0]    word_in;
  logic [64*CHANNELS-1:0] word_out;
  logic [63:0]            mem [0:NCASES*PER_CASE-1];
  string                  cases_file, out_file;
  int                     fd;

  tx_lane_gather #(
    .LANES   (LANES),
    .CHANNELS(CHANNELS)
  ) u_dut (
    .clk_i     (clk),
    .map_rst_ni(map_rst_ni),
    .upd_i     (upd),
    .lane_d_i  (lane_d),
    .word_i    (word_in),
    .word_o    (word_out)
  );

  initial begin
    if (!$value$plusargs("cases=%s", cases_file) || !$value$plusargs("out=%s", out_file)) begin
      $fatal(1, "gather_tb: need +cases=FILE and +out=FILE");
    end
    $readmemh(cases_file, mem);
    fd = $fopen(out_file, "w");
    clk        = 1'b0;
    upd        = 1'b0;
    lane_d     = '0;
    word_in    = '0;
    map_rst_ni = 1'b0;
    #1 map_rst_ni = 1'b1;
    for (int n = 0; n < NCASES; n++) begin
      for (int c = 0; c < CHANNELS; c++) begin
        lane_d[c*16 +: 16] = mem[n*PER_CASE + c][15:0];
      end
      upd = (n > 0);
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      upd = 1'b0;
      lane_d = '0;  // the configuration must not depend on lane_d_i once registered
      for (int l = 0; l < LANES; l++) begin
        word_in[l*64 +: 64] = mem[n*PER_CASE + CHANNELS + l];
      end
      #1;
      for (int c = 0; c < CHANNELS; c++) begin
        $fdisplay(fd, "%016h", word_out[c*64 +: 64]);
      end
    end
    $fclose(fd);
    $display("DONE: gather_tb %0d cases, LANES=%0d CHANNELS=%0d", NCASES, LANES, CHANNELS);
    $finish;
  end

endmodule
