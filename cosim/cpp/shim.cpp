// tessera-cosim C++ shim: see shim.h.
#include "tessera-cosim/cpp/shim.h"

#include <stdexcept>

#include "tessera-cosim/src/ffi.rs.h"

namespace tessera {

void TxDut::check() const {
  if (m_->got_finish()) {
    std::string msg = take_rtl_error();
    throw std::runtime_error(msg.empty() ? std::string("RTL called $finish") : msg);
  }
}

void TxDut::set_reset(bool rst_n, bool map_rst_n) {
  m_->set_reset(rst_n, map_rst_n);
  m_->eval();
  check();
}

void TxDut::set_host(bool valid, rust::Slice<const uint32_t> data) {
  if (data.size() != m_->data_words()) {
    throw std::invalid_argument("tx_data_i takes " + std::to_string(m_->data_words()) +
                                " words, got " + std::to_string(data.size()));
  }
  m_->set_host(valid, data.data(), data.size());
}

void TxDut::set_map_write(bool wr, uint16_t channel, uint16_t lane, bool failed) {
  m_->set_map_write(wr, channel, lane, failed);
}

void TxDut::eval() {
  m_->eval();
  check();
}

void TxDut::tick() {
  m_->edge(true);
  check();
  m_->edge(false);
  check();
}

bool TxDut::ready() const { return m_->ready(); }

void TxDut::serial(rust::Slice<uint32_t> out) const {
  if (out.size() != m_->serial_words()) {
    throw std::invalid_argument("tx_serial_o fills " + std::to_string(m_->serial_words()) +
                                " words, got " + std::to_string(out.size()));
  }
  m_->serial(out.data(), out.size());
}

size_t TxDut::data_words() const { return m_->data_words(); }
size_t TxDut::serial_words() const { return m_->serial_words(); }

void TxDut::open_trace(rust::Str path) { m_->open_trace(std::string(path)); }

std::unique_ptr<TxDut> new_tx_dut(rust::Str config) {
  std::unique_ptr<TxModel> m = make_tx_model(std::string(config));
  if (!m) throw std::invalid_argument("no TX build named '" + std::string(config) + "'");
  return std::make_unique<TxDut>(std::move(m));
}

}  // namespace tessera
