// deskew_fifo: one RX port's deskew buffer (docs/spec.md 11.5; model deskew::PortQueue).
//
// Function:   a FIFO of the port's delivered slots, each {kind[1:0], data[63:0]} plus a
//             "bad sync header" flag. Per clock, in this order: clear_i empties it;
//             otherwise drop_i entries leave from the head, then push_i appends one entry
//             (ignored when full). head_* is the oldest entry (zeros when empty),
//             second_kind_o the kind of the next one (zero with fewer than two); bad_win_o
//             is the OR of the bad flags of the first HOLD+1 entries present (the release
//             hold window of the head slot).
// Parameters: DEPTH (power of two >= 2), HOLD (release hold, slots).
// Latency:    outputs come from registers and the storage (no input-to-output path).
module deskew_fifo #(
  parameter int DEPTH = 64,
  parameter int HOLD  = 8
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       clear_i,
  input  logic [$clog2(DEPTH):0]     drop_i,
  input  logic                       push_i,
  input  logic [1:0]                 push_kind_i,
  input  logic [63:0]                push_data_i,
  input  logic                       push_bad_i,
  output logic [$clog2(DEPTH):0]     count_o,
  output logic [1:0]                 head_kind_o,
  output logic [63:0]                head_data_o,
  output logic [1:0]                 second_kind_o,
  output logic                       bad_win_o
);

  localparam int          AW   = $clog2(DEPTH);
  localparam logic [AW:0] FULL = (AW+1)'(DEPTH);

  param_assert #(
    .OK (DEPTH >= 2 && (1 << AW) == DEPTH && HOLD >= 0 && HOLD < DEPTH),
    .MSG("deskew_fifo: DEPTH must be a power of two >= 2 and HOLD < DEPTH")
  ) u_chk_depth ();

  logic [65:0]      mem_q [DEPTH];
  logic [DEPTH-1:0] bad_q;
  logic [AW-1:0]    head_q, head_d, tail;
  logic [AW:0]      count_q, count_d, after_drop;
  logic             do_push;

  assign after_drop = count_q - drop_i;
  assign do_push    = push_i && !clear_i && (after_drop != FULL);
  assign tail       = head_d + after_drop[AW-1:0];

  always @(*) begin
    if (clear_i) begin
      head_d  = {AW{1'b0}};
      count_d = {(AW+1){1'b0}};
    end else begin
      head_d  = head_q + drop_i[AW-1:0];
      count_d = after_drop + {{AW{1'b0}}, do_push};
    end
  end

  always_ff @(posedge clk_i) begin
    if (do_push) begin
      mem_q[tail] <= {push_kind_i, push_data_i};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q  <= {AW{1'b0}};
      count_q <= {(AW+1){1'b0}};
      bad_q   <= {DEPTH{1'b0}};
    end else begin
      head_q  <= head_d;
      count_q <= count_d;
      if (do_push) bad_q[tail] <= push_bad_i;
    end
  end

  logic [65:0] head_entry;
  assign head_entry  = mem_q[head_q];
  assign head_kind_o = (count_q != {(AW+1){1'b0}}) ? head_entry[65:64] : 2'b00;
  assign head_data_o = (count_q != {(AW+1){1'b0}}) ? head_entry[63:0] : 64'h0;
  assign count_o     = count_q;

  logic [1:0] second_kind;
  assign second_kind   = mem_q[head_q + 1'b1][65:64];
  assign second_kind_o = (count_q > {{AW{1'b0}}, 1'b1}) ? second_kind : 2'b00;

  always @(*) begin
    bad_win_o = 1'b0;
    for (int j = 0; j <= HOLD; j++) begin
      if (AW'(j) < count_q[AW-1:0] || count_q[AW]) begin
        bad_win_o = bad_win_o | bad_q[head_q + AW'(j)];
      end
    end
  end

endmodule
