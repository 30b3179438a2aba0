// scrambler: per-channel 64b/66b payload scrambler, x^58 + x^39 + 1, self-synchronous
// (802.3 Clause 49.2.6; docs/spec.md section 4).
//
// Function:   data_o is data_i scrambled with the current state (combinational); on a
//             clock with en_i the state becomes the last 64 scrambled bits, the most
//             recent in bit 63. Only payloads of data and idle blocks go through it.
// Parameters: RESET_STATE - state after reset; Tessera fixes all ones.
// Latency:    data_o is combinational; the state advances on the clock edge with en_i.
module scrambler #(
  parameter logic [63:0] RESET_STATE = 64'hFFFF_FFFF_FFFF_FFFF
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [63:0] data_i,
  output logic [63:0] data_o
);

  logic [63:0] state_q, state_d;

  lfsr #(
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
      state_q <= RESET_STATE;
    end else if (en_i) begin
      state_q <= state_d;
    end
  end

endmodule
