// marker_lock: alignment-marker lock of one RX port (802.3 Clause 82 in spirit;
// docs/spec.md 11.2; model lock::MarkerLock).
//
// Function:   fed the block-locked blocks (blk_valid_i) with whether each is a valid
//             marker and its lane number. HUNT: a valid marker is a candidate (ev_cand_o).
//             CONFIRM: AM_PERIOD blocks after the candidate a valid marker of the same lane
//             gains lock (AM_VALID_TO_LOCK = 2; ev_slot_o with gained_o), one of another
//             lane is a new candidate, anything else returns to HUNT. LOCKED: every
//             AM_PERIOD-th block is a marker slot (ev_slot_o; slot_ok_o when it is a valid
//             marker of the locked lane); other blocks are payload (ev_payload_o). The
//             AM_INVALID_TO_UNLOCK = 4th bad slot in a row, or a valid marker of another
//             lane (which becomes the candidate, retry_o), loses lock (ev_lost_o).
//             clear_i (block lock lost) returns to HUNT.
// Parameters: AM_PERIOD (>= 4).
// Latency:    events are combinational for the block offered; state changes at the edge.
module marker_lock #(
  parameter int AM_PERIOD = 16
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        clear_i,
  input  logic        blk_valid_i,
  input  logic        marker_valid_i,
  input  logic [15:0] marker_lane_i,
  output logic        ev_cand_o,
  output logic        ev_slot_o,
  output logic        slot_ok_o,
  output logic        gained_o,
  output logic        ev_payload_o,
  output logic        ev_lost_o,
  output logic        retry_o,
  output logic        locked_o,
  output logic [15:0] lane_o
);

  localparam int         AM_W                 = $clog2(AM_PERIOD);
  localparam logic [1:0] AM_INVALID_TO_UNLOCK = 2'd3;  // bad slots in a row before the 4th
  localparam logic [1:0] ST_HUNT              = 2'd0;
  localparam logic [1:0] ST_CONFIRM           = 2'd1;
  localparam logic [1:0] ST_LOCKED            = 2'd2;
  localparam logic [AM_W-1:0] AM_LAST         = AM_W'(AM_PERIOD - 1);

  logic [1:0]      st_q, st_d;
  logic [15:0]     lane_q, lane_d;
  logic [AM_W-1:0] since_q, since_d;
  logic [1:0]      run_q, run_d;
  logic            due;

  assign due = (since_q == AM_LAST);

  always @(*) begin
    st_d         = st_q;
    lane_d       = lane_q;
    since_d      = since_q;
    run_d        = run_q;
    ev_cand_o    = 1'b0;
    ev_slot_o    = 1'b0;
    slot_ok_o    = 1'b0;
    gained_o     = 1'b0;
    ev_payload_o = 1'b0;
    ev_lost_o    = 1'b0;
    retry_o      = 1'b0;
    if (clear_i) begin
      st_d = ST_HUNT;
    end else if (blk_valid_i) begin
      case (st_q)
        ST_CONFIRM: begin
          if (!due) begin
            since_d = since_q + 1'b1;
          end else if (marker_valid_i && marker_lane_i == lane_q) begin
            st_d      = ST_LOCKED;
            since_d   = {AM_W{1'b0}};
            run_d     = 2'd0;
            ev_slot_o = 1'b1;
            slot_ok_o = 1'b1;
            gained_o  = 1'b1;
          end else if (marker_valid_i) begin
            lane_d    = marker_lane_i;
            since_d   = {AM_W{1'b0}};
            ev_cand_o = 1'b1;
          end else begin
            st_d = ST_HUNT;
          end
        end
        ST_LOCKED: begin
          if (!due) begin
            since_d      = since_q + 1'b1;
            ev_payload_o = 1'b1;
          end else if (marker_valid_i && marker_lane_i == lane_q) begin
            since_d   = {AM_W{1'b0}};
            run_d     = 2'd0;
            ev_slot_o = 1'b1;
            slot_ok_o = 1'b1;
          end else if (marker_valid_i) begin
            st_d      = ST_CONFIRM;
            lane_d    = marker_lane_i;
            since_d   = {AM_W{1'b0}};
            ev_lost_o = 1'b1;
            retry_o   = 1'b1;
          end else if (run_q == AM_INVALID_TO_UNLOCK) begin
            st_d      = ST_HUNT;
            ev_lost_o = 1'b1;
          end else begin
            since_d   = {AM_W{1'b0}};
            run_d     = run_q + 1'b1;
            ev_slot_o = 1'b1;
          end
        end
        default: begin  // ST_HUNT
          if (marker_valid_i) begin
            st_d      = ST_CONFIRM;
            lane_d    = marker_lane_i;
            since_d   = {AM_W{1'b0}};
            ev_cand_o = 1'b1;
          end
        end
      endcase
    end
  end

  assign locked_o = (st_q == ST_LOCKED);
  assign lane_o   = lane_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q    <= ST_HUNT;
      lane_q  <= 16'h0;
      since_q <= {AM_W{1'b0}};
      run_q   <= 2'd0;
    end else begin
      st_q    <= st_d;
      lane_q  <= lane_d;
      since_q <= since_d;
      run_q   <= run_d;
    end
  end

endmodule
