// lfsr_tb: self-checking unit bench of the generic lfsr core (no vector files).
//
// Checks: (1) PRBS mode, x^7 + x^6 + 1 one bit per call, has period 127 (maximal);
// (2) the 64-bit word scrambler (STATE_W 64, as scrambler.sv) equals the bit-serial
// scrambler (STATE_W 58, DATA_W 1) of the same polynomial over 4096 bits, from the all-ones
// reset state; (3) a 13-bit-per-call descrambler with another start state recovers the
// data of a 13-bit scrambler once 58 bits have passed. Prints PASS, or FAIL and exits 1.
module lfsr_tb;

  localparam logic [63:0] TAPS64 = (64'd1 << 38) | (64'd1 << 57);
  localparam logic [57:0] TAPS58 = (58'd1 << 38) | (58'd1 << 57);

  // (1) PRBS7
  logic [6:0] p7_state, p7_next;
  logic [0:0] p7_out;
  lfsr #(.STATE_W(7), .DATA_W(1), .TAPS(7'b110_0000), .MODE(2)) u_prbs7 (
    .state_i(p7_state), .data_i(1'b0), .data_o(p7_out), .state_o(p7_next));

  // (2) word vs bit-serial scrambler
  logic [63:0] w_state, w_next, w_in, w_out;
  lfsr #(.STATE_W(64), .DATA_W(64), .TAPS(TAPS64), .MODE(0)) u_word (
    .state_i(w_state), .data_i(w_in), .data_o(w_out), .state_o(w_next));
  logic [57:0] b_state, b_next;
  logic [0:0]  b_in, b_out;
  lfsr #(.STATE_W(58), .DATA_W(1), .TAPS(TAPS58), .MODE(0)) u_bit (
    .state_i(b_state), .data_i(b_in), .data_o(b_out), .state_o(b_next));

  // (3) 13 bits per call, scramble then descramble
  logic [57:0] s_state, s_next, d_state, d_next;
  logic [12:0] s_in, s_out, d_out;
  lfsr #(.STATE_W(58), .DATA_W(13), .TAPS(TAPS58), .MODE(0)) u_s13 (
    .state_i(s_state), .data_i(s_in), .data_o(s_out), .state_o(s_next));
  lfsr #(.STATE_W(58), .DATA_W(13), .TAPS(TAPS58), .MODE(1)) u_d13 (
    .state_i(d_state), .data_i(s_out), .data_o(d_out), .state_o(d_next));

  integer i, k, period;
  logic [63:0] x;  // xorshift stimulus

  function automatic logic [63:0] xorshift(input logic [63:0] v);
    logic [63:0] t;
    t = v ^ (v << 13);
    t = t ^ (t >> 7);
    xorshift = t ^ (t << 17);
  endfunction

  initial begin
    // (1)
    p7_state = 7'h7f;
    period   = 0;
    for (i = 1; i <= 200 && period == 0; i = i + 1) begin
      #1;
      p7_state = p7_next;
      if (p7_state == 7'h7f) period = i;
    end
    if (period != 127) $fatal(1, "FAIL: PRBS7 period %0d, expected 127", period);

    // (2)
    w_state = 64'hFFFF_FFFF_FFFF_FFFF;
    b_state = {58{1'b1}};
    x       = 64'h0123_4567_89AB_CDEF;
    for (i = 0; i < 64; i = i + 1) begin
      x    = xorshift(x);
      w_in = x;
      #1;
      for (k = 0; k < 64; k = k + 1) begin
        b_in = w_in[k];
        #1;
        if (b_out[0] !== w_out[k]) begin
          $fatal(1, "FAIL: word %0d bit %0d: word scrambler %b, bit-serial %b", i, k, w_out[k], b_out[0]);
        end
        b_state = b_next;
      end
      w_state = w_next;
    end

    // (3)
    s_state = {58{1'b1}};
    d_state = 58'h2AA_AAAA_5555_5555;
    for (i = 0; i < 100; i = i + 1) begin
      x    = xorshift(x);
      s_in = x[12:0];
      #1;
      if (i >= 5 && d_out !== s_in) $fatal(1, "FAIL: 13-bit word %0d: descrambled %h, sent %h", i, d_out, s_in);
      s_state = s_next;
      d_state = d_next;
    end
    $display("PASS: lfsr_tb (PRBS7 period 127, word = bit-serial scrambler, 13-bit descrambler in step)");
    $finish;
  end

endmodule
