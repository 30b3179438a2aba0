// descrambler: per-port 64b/66b payload descrambler, x^58 + x^39 + 1, self-synchronous
// (802.3 Clause 49.2.6; docs/spec.md section 4).
//
// Function:   data_o is data_i descrambled with the current state (combinational); on a
//             clock with en_i the state becomes the last 64 received bits, the most recent
//             in bit 63. In step with any line after one word, whatever the state was.
//             CH channels side by side, each its own state: channel c in en_i[c] and
//             [c*64 +: 64] of data_i, data_o and the state (one loop over the channels, docs/rtl.md "Channel loops").
// Parameters: CH (>= 1), RESET_STATE - state after reset (the model's Descrambler starts
//             at 0), the same for every channel.
// Latency:    data_o is combinational; the state advances on the clock edge with en_i.
module descrambler #(
  parameter int          CH          = 1,
  parameter logic [63:0] RESET_STATE = 64'h0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [CH-1:0]    en_i,
  input  logic [CH*64-1:0] data_i,
  output logic [CH*64-1:0] data_o
);

  logic [CH*64-1:0] state_q, state_d;

  lfsr #(
    .CH     (CH),
    .STATE_W(64),
    .DATA_W (64),
    .TAPS   ((64'd1 << 38) | (64'd1 << 57)),
    .MODE   (1)
  ) u_lfsr (
    .state_i(state_q),
    .data_i (data_i),
    .data_o (data_o),
    .state_o(state_d)
  );

  // Every channel's reset state, as one whole vector.
  function automatic logic [CH*64-1:0] reset_all(input int channels);
    logic [CH*64-1:0] v;
    v = (CH*64)'(0);
    for (int c = 0; c < channels; c++) v[c*64 +: 64] = RESET_STATE;
    reset_all = v;
  endfunction
  localparam logic [CH*64-1:0] RESET_ALL = reset_all(CH);

  // The next state is read only by the register, so a plain loop (docs/rtl.md "Channel
  // loops"); the register takes it whole.
  logic [CH*64-1:0] state_n;
  always @(*) begin
    state_n = state_q;
    for (int c = 0; c < CH; c++) begin
      if (en_i[c]) state_n[c*64 +: 64] = state_d[c*64 +: 64];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= RESET_ALL;
    else         state_q <= state_n;
  end

endmodule
