// tessera-cosim: the template that adapts one Verilated TX prefix to TxModel. Included by
// the configs.cpp that build.rs generates, once per configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera-cosim/cpp/shim.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace tessera {

// Buses: Verilator holds <= 8, 16, 32 and 64-bit ports as integers and wider ones as
// VlWide<N> arrays of 32-bit words, word 0 = bits [31:0].
inline size_t words_of(const CData&) { return 1; }
inline size_t words_of(const SData&) { return 1; }
inline size_t words_of(const IData&) { return 1; }
inline size_t words_of(const QData&) { return 2; }
template <std::size_t N>
inline size_t words_of(const VlWide<N>&) { return N; }

inline void put(CData& d, const uint32_t* w, size_t) { d = static_cast<CData>(w[0]); }
inline void put(SData& d, const uint32_t* w, size_t) { d = static_cast<SData>(w[0]); }
inline void put(IData& d, const uint32_t* w, size_t) { d = w[0]; }
inline void put(QData& d, const uint32_t* w, size_t) { d = static_cast<QData>(w[0]) | (static_cast<QData>(w[1]) << 32); }
template <std::size_t N>
inline void put(VlWide<N>& d, const uint32_t* w, size_t) {
  for (std::size_t i = 0; i < N; ++i) d[i] = w[i];
}

inline void get(const CData& s, uint32_t* w, size_t) { w[0] = s; }
inline void get(const SData& s, uint32_t* w, size_t) { w[0] = s; }
inline void get(const IData& s, uint32_t* w, size_t) { w[0] = s; }
inline void get(const QData& s, uint32_t* w, size_t) {
  w[0] = static_cast<uint32_t>(s);
  w[1] = static_cast<uint32_t>(s >> 32);
}
template <std::size_t N>
inline void get(const VlWide<N>& s, uint32_t* w, size_t) {
  for (std::size_t i = 0; i < N; ++i) w[i] = s[i];
}

template <class M>
class TxModelImpl final : public TxModel {
 public:
  TxModelImpl() : ctx_(new VerilatedContext) {
    ctx_->fatalOnError(false);
    ctx_->traceEverOn(true);
    m_.reset(new M(ctx_.get(), "tx"));
    m_->clk_i = 0;
    m_->rst_ni = 0;
    m_->map_rst_ni = 0;
    m_->eval();
  }
  ~TxModelImpl() override {
    if (trace_) trace_->close();
    m_->final();
  }
  void set_reset(bool rst_n, bool map_rst_n) override {
    m_->rst_ni = rst_n;
    m_->map_rst_ni = map_rst_n;
  }
  void set_host(bool valid, const uint32_t* data, size_t words) override {
    m_->tx_valid_i = valid;
    put(m_->tx_data_i, data, words);
  }
  void set_map_write(bool wr, uint16_t channel, uint16_t lane, bool failed) override {
    m_->map_wr_i = wr;
    m_->map_channel_i = channel;
    m_->map_lane_i = lane;
    m_->map_failed_i = failed;
  }
  void eval() override { m_->eval(); }
  void edge(bool clk) override {
    m_->clk_i = clk;
    m_->eval();
    ctx_->timeInc(1);
    if (trace_) trace_->dump(ctx_->time());
  }
  bool ready() const override { return m_->tx_ready_o; }
  void serial(uint32_t* out, size_t words) const override { get(m_->tx_serial_o, out, words); }
  size_t data_words() const override { return words_of(m_->tx_data_i); }
  size_t serial_words() const override { return words_of(m_->tx_serial_o); }
  void open_trace(const std::string& path) override {
    trace_.reset(new VerilatedFstC);
    m_->trace(trace_.get(), 99);
    trace_->open(path.c_str());
    trace_->dump(ctx_->time());
  }
  bool got_finish() const override { return ctx_->gotFinish(); }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> m_;
  std::unique_ptr<VerilatedFstC> trace_;
};

}  // namespace tessera
