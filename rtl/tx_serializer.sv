// tx_serializer: a channel's 66-bit block -> SER_W bits per clock, block bit 0 first.
//
// Function:   on a clock with load_i the block is taken into a shift register; serial_o
//             then carries block bits j*SER_W .. j*SER_W+SER_W-1 on the (j+2)-th clock
//             after it (j = 0 .. 66/SER_W-1), the first of them in bit 0. load_i must come
//             every 66/SER_W clocks (every clock when SER_W = 66); without a load, zeros
//             follow the block. Zeros after reset.
//             CH channels side by side, one load_i for all: channel c in [c*66 +: 66] of
//             block_i and [c*SER_W +: SER_W] of serial_o (one loop over the channels; see
//             docs/rtl.md "Channel loops").
// Parameters: CH (>= 1) channels; SER_W - serial bits per clock, a divisor of 66.
// Latency:    2 clocks from load_i to the first serial word (shift register + output
//             register); serial_o comes straight from a flop.
module tx_serializer #(
  parameter int CH    = 1,
  parameter int SER_W = 22
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                load_i,
  input  logic [CH*66-1:0]    block_i,
  output logic [CH*SER_W-1:0] serial_o
);

  localparam int BLOCK_BITS = 66;

  param_assert #(
    .OK (SER_W >= 1 && SER_W <= BLOCK_BITS && (BLOCK_BITS % SER_W) == 0 && CH >= 1),
    .MSG("tx_serializer: SER_W must divide 66 (1, 2, 3, 6, 11, 22, 33, 66), CH be >= 1")
  ) u_chk_ser_w ();

  // State as vectors, channel c in [c*66 +: 66] and [c*SER_W +: SER_W] (Verilator 5.006
  // takes no delayed assignment to an unpacked array's element in a loop of more than 64
  // iterations).
  logic [CH*BLOCK_BITS-1:0] shift_q;
  logic [CH*SER_W-1:0]      ser_q;

  // The shift register moves SER_W bits down per clock (to all zeros when SER_W = 66) or
  // takes the block on load_i; the output register takes its lowest SER_W bits.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int c = 0; c < CH; c++) begin
        shift_q[c*BLOCK_BITS +: BLOCK_BITS] <= {BLOCK_BITS{1'b0}};
        ser_q[c*SER_W +: SER_W]             <= {SER_W{1'b0}};
      end
    end else begin
      for (int c = 0; c < CH; c++) begin
        shift_q[c*BLOCK_BITS +: BLOCK_BITS] <= load_i ? block_i[c*BLOCK_BITS +: BLOCK_BITS] :
                                               (shift_q[c*BLOCK_BITS +: BLOCK_BITS] >> SER_W);
        ser_q[c*SER_W +: SER_W]             <= shift_q[c*BLOCK_BITS +: SER_W];
      end
    end
  end

  assign serial_o = ser_q;

endmodule
