// rx_deserializer: the RX ports' serial-to-block framer with bit slip.
//
// Function:   collects SER_W bits per clock (bit 0 first on the wire) and offers a
//             66-bit candidate block, block bit 0 = the oldest bit, as soon as at least
//             67 bits are waiting (the model's rule: a slip takes the block and one bit
//             more). On a clock with blk_valid_o the block is consumed: 66 bits, or 67
//             when slip_i (the boundary moves one bit later: the next candidate starts 67
//             bits after this one). At most one block per clock. pos_o is the index, in the
//             port's bit stream, of the first bit of the block offered (its arrival time);
//             it counts the bits consumed so far.
//             CH channels side by side, each its own leftover bits and counters: channel c
//             in [c*SER_W +: SER_W], bit c of blk_valid_o / slip_i, [c*66 +: 66] and
//             [c*POS_W +: POS_W]; one loop over the channels (docs/rtl.md "Channel loops").
//             The new word goes in above a channel's leftover bits by one shift by the
//             leftover count; what remains after a block is the same bits shifted down by
//             the constant 66 or 67.
// Parameters: CH (>= 1), SER_W (divisor of 66), POS_W (width of the bit counter, wraps).
// Latency:    blk_o is combinational from serial_i and the leftover bits: a block is
//             offered on the clock its last bit (plus one) arrives.
module rx_deserializer #(
  parameter int CH    = 1,
  parameter int SER_W = 22,
  parameter int POS_W = 48
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [CH*SER_W-1:0] serial_i,
  input  logic [CH-1:0]       slip_i,
  output logic [CH-1:0]       blk_valid_o,
  output logic [CH*66-1:0]    blk_o,
  output logic [CH*POS_W-1:0] pos_o
);

  localparam int BLOCK_BITS = 66;
  localparam int CAT_W      = BLOCK_BITS + SER_W;  // leftover (<= 66) plus one word
  localparam int CNT_W      = 8;                   // counts 0 .. 132

  logic [BLOCK_BITS-1:0] buf_q [CH];
  logic [BLOCK_BITS-1:0] buf_d [CH];
  logic [CNT_W-1:0]      cnt_q [CH];
  logic [CNT_W-1:0]      cnt_d [CH];
  logic [POS_W-1:0]      pos_q [CH];
  logic [POS_W-1:0]      pos_d [CH];
  // Leftover bits with the new word above them, per channel (the block is its bottom).
  logic [CAT_W-1:0]      cat [CH];

  // One channel's temporaries.
  logic [CNT_W-1:0] total, consume;

  // The candidate block: the leftover bits, then the new word.
  always @(*) begin
    blk_valid_o = {CH{1'b0}};
    blk_o       = {(CH*BLOCK_BITS){1'b0}};
    pos_o       = {(CH*POS_W){1'b0}};
    for (int c = 0; c < CH; c++) begin
      cat[c] = {CAT_W{1'b0}};
    end
    for (int c = 0; c < CH; c++) begin
      cat[c] = ({{BLOCK_BITS{1'b0}}, serial_i[c*SER_W +: SER_W]} << cnt_q[c]) |
               {{SER_W{1'b0}}, buf_q[c]};
      blk_valid_o[c]                   = (cnt_q[c] + CNT_W'(SER_W) >= CNT_W'(BLOCK_BITS + 1));
      blk_o[c*BLOCK_BITS +: BLOCK_BITS] = cat[c][BLOCK_BITS-1:0];
      pos_o[c*POS_W +: POS_W]           = pos_q[c];
    end
  end

  // What is left: 66 bits consumed with a block, 67 with a slip, none without a block.
  // At most 66 bits are ever left over, so the bits of cat above them are always zero.
  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      buf_d[c] = {BLOCK_BITS{1'b0}};
      cnt_d[c] = {CNT_W{1'b0}};
      pos_d[c] = {POS_W{1'b0}};
    end
    for (int c = 0; c < CH; c++) begin
      total = cnt_q[c] + CNT_W'(SER_W);
      if (!blk_valid_o[c]) begin
        consume  = {CNT_W{1'b0}};
        buf_d[c] = cat[c][BLOCK_BITS-1:0];
      end else if (slip_i[c]) begin
        consume  = CNT_W'(BLOCK_BITS + 1);
        buf_d[c] = BLOCK_BITS'(cat[c] >> (BLOCK_BITS + 1));
      end else begin
        consume  = CNT_W'(BLOCK_BITS);
        buf_d[c] = BLOCK_BITS'(cat[c] >> BLOCK_BITS);
      end
      cnt_d[c] = total - consume;
      pos_d[c] = pos_q[c] + {{(POS_W-CNT_W){1'b0}}, consume};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int c = 0; c < CH; c++) begin
        buf_q[c] <= {BLOCK_BITS{1'b0}};
        cnt_q[c] <= {CNT_W{1'b0}};
        pos_q[c] <= {POS_W{1'b0}};
      end
    end else begin
      for (int c = 0; c < CH; c++) begin
        buf_q[c] <= buf_d[c];
        cnt_q[c] <= cnt_d[c];
        pos_q[c] <= pos_d[c];
      end
    end
  end

endmodule
