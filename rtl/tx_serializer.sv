// tx_serializer: one channel's 66-bit block -> SER_W bits per clock, block bit 0 first.
//
// Function:   on a clock with load_i the block is taken into a shift register; serial_o
//             then carries block bits j*SER_W .. j*SER_W+SER_W-1 on the (j+2)-th clock
//             after it (j = 0 .. 66/SER_W-1), the first of them in bit 0. load_i must come
//             every 66/SER_W clocks (every clock when SER_W = 66); without a load, zeros
//             follow the block. Zeros after reset.
// Parameters: SER_W - serial bits per clock, a divisor of 66.
// Latency:    2 clocks from load_i to the first serial word (shift register + output
//             register); serial_o comes straight from a flop.
module tx_serializer #(
  parameter int SER_W = 22
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             load_i,
  input  logic [65:0]      block_i,
  output logic [SER_W-1:0] serial_o
);

  localparam int BLOCK_BITS = 66;

  param_assert #(
    .OK (SER_W >= 1 && SER_W <= BLOCK_BITS && (BLOCK_BITS % SER_W) == 0),
    .MSG("tx_serializer: SER_W must divide 66 (1, 2, 3, 6, 11, 22, 33, 66)")
  ) u_chk_ser_w ();

  logic [BLOCK_BITS-1:0] shift_q, shift_d;
  logic [SER_W-1:0]      ser_q;

  if (SER_W == BLOCK_BITS) begin : gen_one_word
    assign shift_d = load_i ? block_i : {BLOCK_BITS{1'b0}};
  end else begin : gen_shift
    assign shift_d = load_i ? block_i : {{SER_W{1'b0}}, shift_q[BLOCK_BITS-1:SER_W]};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      shift_q <= {BLOCK_BITS{1'b0}};
      ser_q   <= {SER_W{1'b0}};
    end else begin
      shift_q <= shift_d;
      ser_q   <= shift_q[SER_W-1:0];
    end
  end

  assign serial_o = ser_q;

endmodule
