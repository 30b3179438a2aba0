// Verilator runtime hooks: $fatal, $stop and $finish are recorded instead of ending the
// process (compiled with VL_USER_FATAL, VL_USER_STOP and VL_USER_FINISH defined).
#include <string>

#include "verilated.h"

namespace tessera {
namespace {
thread_local std::string rtl_error;
}
std::string take_rtl_error() {
  std::string e = std::move(rtl_error);
  rtl_error.clear();
  return e;
}
}  // namespace tessera

static void record(const char* filename, int linenum, const char* msg) {
  if (tessera::rtl_error.empty()) {
    tessera::rtl_error = std::string(filename ? filename : "?") + ":" + std::to_string(linenum) + ": " + msg;
  }
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
}

void vl_finish(const char* filename, int linenum, const char*) VL_MT_UNSAFE {
  record(filename, linenum, "Verilog $finish");
}
void vl_stop(const char* filename, int linenum, const char*) VL_MT_UNSAFE {
  record(filename, linenum, "Verilog $stop or $fatal");
}
void vl_fatal(const char* filename, int linenum, const char*, const char* msg) VL_MT_UNSAFE {
  record(filename, linenum, msg);
}
