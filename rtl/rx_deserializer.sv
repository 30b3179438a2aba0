// rx_deserializer: one RX port's serial-to-block framer with bit slip.
//
// Function:   collects SER_W bits per clock (bit 0 first on the wire) and offers a
//             66-bit candidate block, block bit 0 = the oldest bit, as soon as at least
//             67 bits are waiting (the model's rule: a slip takes the block and one bit
//             more). On a clock with blk_valid_o the block is consumed: 66 bits, or 67
//             when slip_i (the boundary moves one bit later: the next candidate starts 67
//             bits after this one). At most one block per clock. pos_o is the index, in the
//             port's bit stream, of the first bit of the block offered (its arrival time);
//             it counts the bits consumed so far.
// Parameters: SER_W (divisor of 66), POS_W (width of the bit counter, wraps).
// Latency:    blk_o is combinational from serial_i and the leftover bits: a block is
//             offered on the clock its last bit (plus one) arrives.
module rx_deserializer #(
  parameter int SER_W = 22,
  parameter int POS_W = 48
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [SER_W-1:0] serial_i,
  input  logic             slip_i,
  output logic             blk_valid_o,
  output logic [65:0]      blk_o,
  output logic [POS_W-1:0] pos_o
);

  localparam int BLOCK_BITS = 66;
  localparam int CAT_W      = BLOCK_BITS + SER_W;  // leftover (<= 66) plus one word
  localparam int CNT_W      = 8;                   // counts 0 .. 132

  logic [BLOCK_BITS-1:0] buf_q, buf_d;
  logic [CNT_W-1:0]      cnt_q, cnt_d, total, consume;
  logic [POS_W-1:0]      pos_q, pos_d;
  logic [CAT_W-1:0]      cat, rest;

  assign cat         = ({{BLOCK_BITS{1'b0}}, serial_i} << cnt_q) | {{SER_W{1'b0}}, buf_q};
  assign total       = cnt_q + CNT_W'(SER_W);
  assign blk_valid_o = (total >= CNT_W'(BLOCK_BITS + 1));
  assign blk_o       = cat[BLOCK_BITS-1:0];
  assign consume     = !blk_valid_o ? {CNT_W{1'b0}} :
                       (slip_i ? CNT_W'(BLOCK_BITS + 1) : CNT_W'(BLOCK_BITS));
  assign rest        = cat >> consume;
  assign buf_d       = rest[BLOCK_BITS-1:0];

  // At most 66 bits are ever left over, so the top of rest is always zero.
  logic unused_rest;
  assign unused_rest = ^rest[CAT_W-1:BLOCK_BITS];
  assign cnt_d       = total - consume;
  assign pos_d       = pos_q + {{(POS_W-CNT_W){1'b0}}, consume};
  assign pos_o       = pos_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q <= {BLOCK_BITS{1'b0}};
      cnt_q <= {CNT_W{1'b0}};
      pos_q <= {POS_W{1'b0}};
    end else begin
      buf_q <= buf_d;
      cnt_q <= cnt_d;
      pos_q <= pos_d;
    end
  end

endmodule
