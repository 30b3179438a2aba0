// lfsr: generic combinational LFSR / scrambler core, DATA_W bits per call.
//
// Function:   runs a Fibonacci LFSR over DATA_W bits at once, bit 0 of data_i first in wire
//             order. TAPS bit k set means a tap k+1 bits back (x^58 + x^39 + 1 has taps
//             at 39 and 58: bits 38 and 57). state_i holds the last STATE_W bits of the
//             line history, the most recent in bit STATE_W-1; state_o is the history
//             after this word. With f_n = XOR over taps k of h_(n-k-1), h the history:
//               MODE 0 (scramble, self-synchronous):  out_n = d_n ^ f_n, history = out
//               MODE 1 (descramble, self-synchronous): out_n = d_n ^ f_n, history = d
//               MODE 2 (PRBS, additive):               p_n   = f_n,      history = p,
//                                                      out_n = d_n ^ p_n (d = 0: PRBS)
//             The feedback inside one word is solved by ITER word-wide passes, each of
//             which fixes MIN_TAP more bits, so the logic is shallow for x^58+x^39+1
//             (two passes for a 64-bit word).
//             CH channels side by side, each its own state and word: channel c in
//             [c*STATE_W +: STATE_W] and [c*DATA_W +: DATA_W] (one loop over the channels,
//             so a simulator runs one copy of the logic; see docs/rtl.md "Channel loops").
// Parameters: CH (>= 1), STATE_W (>= largest tap), DATA_W (>= 1), TAPS (non-zero),
//             MODE (0, 1, 2).
// Latency:    combinational.
module lfsr #(
  parameter int           CH      = 1,
  parameter int           STATE_W = 64,
  parameter int           DATA_W  = 64,
  parameter [STATE_W-1:0] TAPS    = (64'd1 << 38) | (64'd1 << 57),
  parameter int           MODE    = 0
) (
  input  logic [CH*STATE_W-1:0] state_i,
  input  logic [CH*DATA_W-1:0]  data_i,
  output logic [CH*DATA_W-1:0]  data_o,
  output logic [CH*STATE_W-1:0] state_o
);

  localparam int MODE_SCRAMBLE   = 0;
  localparam int MODE_DESCRAMBLE = 1;
  localparam int MODE_PRBS       = 2;

  // Smallest and largest tap distance in bits (1-based); 0 when there is no tap.
  function automatic int tap_min(input logic [STATE_W-1:0] taps);
    tap_min = 0;
    for (int k = STATE_W - 1; k >= 0; k--) begin
      if (taps[k]) tap_min = k + 1;
    end
  endfunction

  function automatic int tap_max(input logic [STATE_W-1:0] taps);
    tap_max = 0;
    for (int k = 0; k < STATE_W; k++) begin
      if (taps[k]) tap_max = k + 1;
    end
  endfunction

  localparam int MIN_TAP = tap_min(TAPS);
  localparam int MAX_TAP = tap_max(TAPS);
  // Passes needed to resolve the in-word feedback: each pass fixes MIN_TAP more bits.
  localparam int ITER    = (MIN_TAP > 0) ? (DATA_W + MIN_TAP - 1) / MIN_TAP : 1;
  localparam int HIST_W  = STATE_W + DATA_W;  // history seen by one word

  param_assert #(
    .OK (MODE == MODE_SCRAMBLE || MODE == MODE_DESCRAMBLE || MODE == MODE_PRBS),
    .MSG("lfsr: MODE must be 0 (scramble), 1 (descramble) or 2 (PRBS)")
  ) u_chk_mode ();
  param_assert #(
    .OK (MAX_TAP >= 1 && MAX_TAP <= STATE_W && DATA_W >= 1 && CH >= 1),
    .MSG("lfsr: TAPS must be non-zero, DATA_W and CH at least 1")
  ) u_chk_taps ();

  // Feedback word: bit n is the XOR of the history bits the taps point at for bit n.
  function automatic logic [DATA_W-1:0] feedback(input logic [HIST_W-1:0] hist);
    logic [DATA_W-1:0] fb;
    fb = {DATA_W{1'b0}};
    for (int k = 0; k < STATE_W; k++) begin
      if (TAPS[k]) fb = fb ^ hist[STATE_W-1-k +: DATA_W];
    end
    feedback = fb;
  endfunction

  // Every channel's step, in a function: its temporaries are automatic, so under Icarus the
  // per-channel writes do not re-propagate the whole CH-wide output once per channel
  // (docs/rtl.md "Channel loops"). Returns {state, data}.
  function automatic logic [CH*(STATE_W+DATA_W)-1:0] step();
    logic [CH*STATE_W-1:0] st_n;
    logic [CH*DATA_W-1:0]  dout;
    logic [STATE_W-1:0]    state;  // one channel's state
    logic [DATA_W-1:0]     data;   // one channel's input word
    logic [DATA_W-1:0]     line;   // the bits that enter the history: out, d or p
    logic [DATA_W-1:0]     guess;  // in-word feedback, refined pass by pass
    st_n = (CH*STATE_W)'(0);
    dout = (CH*DATA_W)'(0);
    for (int c = 0; c < CH; c++) begin
      state = state_i[c*STATE_W +: STATE_W];
      data  = data_i[c*DATA_W +: DATA_W];
      guess = {DATA_W{1'b0}};
      if (MODE == MODE_DESCRAMBLE) begin
        line                     = data;
        dout[c*DATA_W +: DATA_W] = data ^ feedback({data, state});
      end else begin
        for (int i = 0; i < ITER; i++) begin
          if (MODE == MODE_SCRAMBLE) guess = data ^ feedback({guess, state});
          else                       guess = feedback({guess, state});
        end
        line                     = guess;
        dout[c*DATA_W +: DATA_W] = (MODE == MODE_SCRAMBLE) ? guess : (data ^ guess);
      end
      // The new state: the last STATE_W bits of the history {line, state}.
      st_n[c*STATE_W +: STATE_W] = STATE_W'({line, state} >> DATA_W);
    end
    step = {st_n, dout};
  endfunction

  // One call, then the split: an assignment to a concatenation would make Verilator call
  // the function once per part.
  logic [CH*(STATE_W+DATA_W)-1:0] step_r;
  always @(state_i or data_i) begin
    step_r = step();
  end
  assign {state_o, data_o} = step_r;

endmodule
