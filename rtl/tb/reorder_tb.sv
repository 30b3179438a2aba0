// reorder_tb: unit bench of sort_net + perm_net (REVERSE = 0) as the RX reorder uses them,
// driven and checked from files (tests/rtl_networks.rs compares with its Rust reference).
//
// Plusargs:
//   +cases=FILE  NCASES cases, each 2 * PORTS words of 64 bits: every port's sort key (the
//                lane it carries, or a key >= LANES for a dead or spare port; low KEY_W
//                bits), then every port's word
//   +out=FILE    written: per case PORTS lines, the words in sorted order (hex); position
//                l < LANES must hold lane l's word when every lane is carried once
module reorder_tb;

  parameter int LANES  = 4;
  parameter int PORTS  = 5;
  parameter int KEY_W  = 17;
  parameter int NCASES = 1;

  localparam int SL     = (PORTS > 1) ? $clog2(PORTS) : 1;
  localparam int LAYERS = SL * (SL + 1) / 2;

  logic [PORTS*KEY_W-1:0] key, skey;
  logic [PORTS-1:0]       pay, spay;
  logic [LAYERS*PORTS-1:0] swap;
  logic [64*PORTS-1:0]    word_in, word_out;
  logic [63:0]            mem [0:NCASES*2*PORTS-1];
  string                  cases_file, out_file;
  int                     fd;

  sort_net #(
    .N    (PORTS),
    .KEY_W(KEY_W),
    .PAY_W(1)
  ) u_sort (
    .en_i  (1'b1),
    .key_i (key),
    .pay_i (pay),
    .key_o (skey),
    .pay_o (spay),
    .swap_o(swap)
  );

  perm_net #(
    .N      (PORTS),
    .W      (64),
    .REVERSE(1'b0)
  ) u_perm (
    .swap_i(swap),
    .data_i(word_in),
    .data_o(word_out)
  );

  initial begin
    if (!$value$plusargs("cases=%s", cases_file) || !$value$plusargs("out=%s", out_file)) begin
      $fatal(1, "reorder_tb: need +cases=FILE and +out=FILE");
    end
    $readmemh(cases_file, mem);
    fd  = $fopen(out_file, "w");
    pay = '0;
    for (int n = 0; n < NCASES; n++) begin
      for (int p = 0; p < PORTS; p++) begin
        key[p*KEY_W +: KEY_W]  = mem[n*2*PORTS + p][KEY_W-1:0];
        word_in[p*64 +: 64]    = mem[n*2*PORTS + PORTS + p];
      end
      #1;
      for (int p = 0; p < PORTS; p++) begin
        $fdisplay(fd, "%016h", word_out[p*64 +: 64]);
      end
    end
    $fclose(fd);
    $display("DONE: reorder_tb %0d cases, LANES=%0d PORTS=%0d", NCASES, LANES, PORTS);
    $finish;
  end

endmodule
