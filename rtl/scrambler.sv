// scrambler: per-channel 64b/66b payload scrambler, x^58 + x^39 + 1, self-synchronous
// (802.3 Clause 49.2.6; docs/spec.md section 4).
//
// Function:   data_o is data_i scrambled with the current state (combinational); on a
//             clock with en_i the state becomes the last 64 scrambled bits, the most
//             recent in bit 63. Only payloads of data and idle blocks go through it.
//             CH channels side by side, each its own state: channel c in en_i[c] and
//             [c*64 +: 64] of data_i / data_o (one loop over the channels, so a simulator
//             runs one copy of the logic; see docs/rtl.md "Channel loops").
// Parameters: CH (>= 1) channels; RESET_STATE - state after reset; Tessera fixes all ones.
// Latency:    data_o is combinational; the state advances on the clock edge with en_i.
module scrambler #(
  parameter int          CH          = 1,
  parameter logic [63:0] RESET_STATE = 64'hFFFF_FFFF_FFFF_FFFF
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [CH-1:0]    en_i,
  input  logic [CH*64-1:0] data_i,
  output logic [CH*64-1:0] data_o
);

  // State as one vector, channel c in [c*64 +: 64] (Verilator 5.006 takes no delayed
  // assignment to an unpacked array's element in a loop of more than 64 iterations).
  logic [CH*64-1:0] state_q, state_d;

  lfsr #(
    .CH     (CH),
    .STATE_W(64),
    .DATA_W (64),
    .TAPS   ((64'd1 << 38) | (64'd1 << 57)),
    .MODE   (0)
  ) u_lfsr (
    .state_i(state_q),
    .data_i (data_i),
    .data_o (data_o),
    .state_o(state_d)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int c = 0; c < CH; c++) begin
        state_q[c*64 +: 64] <= RESET_STATE;
      end
    end else begin
      for (int c = 0; c < CH; c++) begin
        if (en_i[c]) state_q[c*64 +: 64] <= state_d[c*64 +: 64];
      end
    end
  end

endmodule
