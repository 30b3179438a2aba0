// perm_net: sends N words through the exchange pattern a sort_net of the same N took.
//
// Function:   with REVERSE = 0 the words go the way sort_net's records went: the word at
//             input i comes out where record i came out. With REVERSE = 1 they go back: the
//             word at sorted position s comes out at the input position of the record that
//             was sorted to s. swap_i is sort_net's swap_o. The exchanges of a layer are
//             disjoint, so each layer is one row of 2:1 multiplexer pairs.
// Parameters: N (words, as the sort_net's), W (bits per word).
// Latency:    combinational.
module perm_net #(
  parameter int N       = 8,
  parameter int W       = 64,
  parameter bit REVERSE = 1'b0
) (
  input  logic [LAYERS*N-1:0] swap_i,
  input  logic [N*W-1:0]      data_i,
  output logic [N*W-1:0]      data_o
);

  // Derived, as in sort_net.
  localparam int L      = (N > 1) ? $clog2(N) : 1;
  localparam int NP     = 1 << L;
  localparam int LAYERS = L * (L + 1) / 2;

  param_assert #(
    .OK (N >= 1 && W >= 1),
    .MSG("perm_net: need N >= 1 and W >= 1")
  ) u_chk_params ();

  // The exchange of layer (t, u) at (a, a + 2^u), a = i + j, as in sort_net; loop bounds in
  // loop variables and parameters only (Yosys unrolls them).
  logic [N*W-1:0] d;
  logic [W-1:0]   da;

  if (REVERSE) begin : gen_backward
    always @(*) begin
      d  = data_i;
      da = '0;
      for (int t = L - 1; t >= 0; t--) begin
        for (int u = 0; u <= t; u++) begin
          for (int j = (1 << u) % (1 << t); j + (1 << u) < NP; j = j + (2 << u)) begin
            for (int i = 0; i < (1 << u); i++) begin
              if (N > 1 && i + j + (1 << u) < N && swap_i[(t*(t+1)/2 + t - u)*N + i + j]) begin
                da                       = d[(i+j)*W +: W];
                d[(i+j)*W +: W]          = d[(i+j+(1<<u))*W +: W];
                d[(i+j+(1<<u))*W +: W]   = da;
              end
            end
          end
        end
      end
      data_o = d;
    end
  end else begin : gen_forward
    always @(*) begin
      d  = data_i;
      da = '0;
      for (int t = 0; t < L; t++) begin
        for (int u = t; u >= 0; u--) begin
          for (int j = (1 << u) % (1 << t); j + (1 << u) < NP; j = j + (2 << u)) begin
            for (int i = 0; i < (1 << u); i++) begin
              if (N > 1 && i + j + (1 << u) < N && swap_i[(t*(t+1)/2 + t - u)*N + i + j]) begin
                da                       = d[(i+j)*W +: W];
                d[(i+j)*W +: W]          = d[(i+j+(1<<u))*W +: W];
                d[(i+j+(1<<u))*W +: W]   = da;
              end
            end
          end
        end
      end
      data_o = d;
    end
  end

endmodule
