// The ACME link: the wrappers, their include directory and Tessera's reference RTL
// underneath. Paths are relative to this file.
+incdir+include
acme_tx.sv
acme_rx.sv
-F ../../../rtl/tessera.f
