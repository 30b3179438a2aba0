// tb_words.svh: count_words, shared by rx_tb and tx_tb (included inside the module).
  // Data words in a $readmemh file: lines that are neither blank nor // comments. Counted
  // here because a 2-state simulator (Verilator) cannot tell unloaded memory words by X.
  // Read a line (or a chunk of a long one) per $fgets: the characters sit right-aligned in
  // buf, the first at byte n - 1; a chunk that ends in a newline ends its line.
  function automatic integer count_words(input reg [8*512-1:0] fname);
    integer fd, n, got, i;
    reg     at_start;
    reg [7:0]         ch;
    reg [8*4096-1:0]  buf_r;
    n        = 0;
    at_start = 1'b1;
    fd       = $fopen(fname, "r");
    if (fd == 0) begin
      $display("FAIL: cannot open %0s", fname);
      $fatal(1, "FAIL");
    end
    got = $fgets(buf_r, fd);
    while (got > 0) begin
      for (i = got - 1; i >= 0 && at_start; i = i - 1) begin
        ch = buf_r[8*i +: 8];
        if (ch != 32 && ch != 9 && ch != 13 && ch != 10) begin
          at_start = 1'b0;
          if (ch != 47) n = n + 1;  // not '/': a data line
        end
      end
      if (buf_r[7:0] == 8'd10) at_start = 1'b1;
      got = $fgets(buf_r, fd);
    end
    $fclose(fd);
    count_words = n;
  endfunction
