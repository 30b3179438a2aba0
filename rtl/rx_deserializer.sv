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
//             [c*POS_W +: POS_W] (its state likewise); one loop over the channels (docs/rtl.md "Channel loops").
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

  logic [CH*BLOCK_BITS-1:0] buf_q, buf_d;
  logic [CH*CNT_W-1:0]      cnt_q, cnt_d;
  logic [CH*POS_W-1:0]      pos_q, pos_d;
  // Leftover bits with the new word above them, channel c in [c*CAT_W +: CAT_W] (the
  // block is its bottom).
  logic [CH*CAT_W-1:0]      cat;

  // The loop whose results other logic reads is a function called once per evaluation
  // (docs/rtl.md "Channel loops"): its variables are automatic, so Icarus does not
  // re-propagate the CH-wide outputs once per channel; it reads the module's signals itself
  // (no argument copies in a Verilated model), so its block names them.

  // The candidate block: the leftover bits, then the new word. Returns {blk_valid, blk, cat}.
  function automatic logic [CH*(1+BLOCK_BITS+CAT_W)-1:0] front();
    logic [CH-1:0]            bv;
    logic [CH*BLOCK_BITS-1:0] bk;
    logic [CH*CAT_W-1:0]      ct;
    logic [CAT_W-1:0]         cat_c;
    bv = CH'(0);
    bk = (CH*BLOCK_BITS)'(0);
    ct = (CH*CAT_W)'(0);
    for (int c = 0; c < CH; c++) begin
      cat_c = ({{BLOCK_BITS{1'b0}}, serial_i[c*SER_W +: SER_W]} << cnt_q[c*CNT_W +: CNT_W]) |
              {{SER_W{1'b0}}, buf_q[c*BLOCK_BITS +: BLOCK_BITS]};
      ct[c*CAT_W +: CAT_W]           = cat_c;
      bv[c]                          = (cnt_q[c*CNT_W +: CNT_W] + CNT_W'(SER_W) >=
                                        CNT_W'(BLOCK_BITS + 1));
      bk[c*BLOCK_BITS +: BLOCK_BITS] = cat_c[BLOCK_BITS-1:0];
    end
    front = {bv, bk, ct};
  endfunction

  logic [CH*(1+BLOCK_BITS+CAT_W)-1:0] front_r;
  always @(serial_i or cnt_q or buf_q) begin
    front_r = front();
  end
  assign {blk_valid_o, blk_o, cat} = front_r;

  assign pos_o = pos_q;

  // What is left: 66 bits consumed with a block, 67 with a slip, none without a block.
  // At most 66 bits are ever left over, so the bits of cat above them are always zero.
  // Read only by the registers, so a plain loop.
  logic [CAT_W-1:0] rest;
  logic [CNT_W-1:0] consume;
  always @(*) begin
    buf_d = (CH*BLOCK_BITS)'(0);
    cnt_d = (CH*CNT_W)'(0);
    pos_d = (CH*POS_W)'(0);
    for (int c = 0; c < CH; c++) begin
      rest = cat[c*CAT_W +: CAT_W];
      if (!blk_valid_o[c]) begin
        consume                           = {CNT_W{1'b0}};
        buf_d[c*BLOCK_BITS +: BLOCK_BITS] = rest[BLOCK_BITS-1:0];
      end else if (slip_i[c]) begin
        consume                           = CNT_W'(BLOCK_BITS + 1);
        buf_d[c*BLOCK_BITS +: BLOCK_BITS] = BLOCK_BITS'(rest >> (BLOCK_BITS + 1));
      end else begin
        consume                           = CNT_W'(BLOCK_BITS);
        buf_d[c*BLOCK_BITS +: BLOCK_BITS] = BLOCK_BITS'(rest >> BLOCK_BITS);
      end
      cnt_d[c*CNT_W +: CNT_W] = cnt_q[c*CNT_W +: CNT_W] + CNT_W'(SER_W) - consume;
      pos_d[c*POS_W +: POS_W] = pos_q[c*POS_W +: POS_W] + {{(POS_W-CNT_W){1'b0}}, consume};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q <= (CH*BLOCK_BITS)'(0);
      cnt_q <= (CH*CNT_W)'(0);
      pos_q <= (CH*POS_W)'(0);
    end else begin
      buf_q <= buf_d;
      cnt_q <= cnt_d;
      pos_q <= pos_d;
    end
  end

endmodule
