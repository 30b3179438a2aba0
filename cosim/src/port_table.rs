//! The port table of a Verilated top, read from the header Verilator generates
//! (`V<prefix>.h`).
//!
//! Verilator declares every top-level port there on one line, with the parameters of the
//! build already resolved:
//!
//! ```text
//! VL_IN8(&clk_i,0,0);
//! VL_INW(&tx_data_i,255,0,8);
//! VL_OUT64(&count_o,47,0);
//! ```
//!
//! The macro says the direction and the C++ type (8, 16, 32 or 64 bits, or `W`: a
//! `VlWide<words>` array of 32-bit words, word 0 = bits 31:0); the arguments are the name,
//! the most and least significant bit and, for `W`, the word count. Tessera reads only
//! these lines, never the user's Verilog. Nothing here panics: a line that does not have
//! this shape is not a port line and is skipped.

/// Direction of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// `VL_IN*`.
    In,
    /// `VL_OUT*`.
    Out,
    /// `VL_INOUT*`.
    InOut,
}

impl Dir {
    /// `input`, `output` or `inout`.
    pub fn name(self) -> &'static str {
        match self {
            Dir::In => "input",
            Dir::Out => "output",
            Dir::InOut => "inout",
        }
    }
}

/// One port of a Verilated top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The C++ member name (the Verilog name for plain identifiers).
    pub name: String,
    /// Direction.
    pub dir: Dir,
    /// Most significant bit index.
    pub msb: u32,
    /// Least significant bit index.
    pub lsb: u32,
    /// 32-bit words the port takes on the shim's frames (1 up to 32 bits, 2 up to 64).
    pub words: u32,
}

impl Port {
    /// Width in bits.
    pub fn width(&self) -> u32 {
        self.msb.abs_diff(self.lsb) + 1
    }
}

/// Every port line of a generated header, in the order Verilator wrote them.
pub fn parse_header(text: &str) -> Vec<Port> {
    text.lines().filter_map(parse_line).collect()
}

/// One `VL_IN…(&name,msb,lsb[,words]);` line.
fn parse_line(line: &str) -> Option<Port> {
    let line = line.trim();
    let rest = line.strip_prefix("VL_")?;
    let (dir, rest) = if let Some(r) = rest.strip_prefix("INOUT") {
        (Dir::InOut, r)
    } else if let Some(r) = rest.strip_prefix("IN") {
        (Dir::In, r)
    } else if let Some(r) = rest.strip_prefix("OUT") {
        (Dir::Out, r)
    } else {
        return None;
    };
    let open = rest.find('(')?;
    let kind = &rest[..open];
    let args = rest[open + 1..].strip_suffix(");")?;
    let mut parts = args.split(',').map(str::trim);
    let name = parts.next()?.strip_prefix('&')?.to_string();
    let msb: u32 = parts.next()?.parse().ok()?;
    let lsb: u32 = parts.next()?.parse().ok()?;
    let words = match kind {
        "8" | "16" | "" => 1,
        "64" => 2,
        "W" => parts.next()?.parse().ok()?,
        _ => return None,
    };
    if parts.next().is_some() || name.is_empty() {
        return None;
    }
    Some(Port { name, dir, msb, lsb, words })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_port_line() {
        let header = "class Vdut {\n  public:\n    VL_IN8(&clk_i,0,0);\n    VL_OUT16(&lane_o,15,0);\n    \
                      VL_IN(&count_i,31,0);\n    VL_OUT64(&bits_o,47,0);\n    VL_INW(&data_i,255,0,8);\n    \
                      VL_INOUT8(&pad_io,3,0);\n    VL_OUTW(&ser_o,109,0,4);\n    Vdut* rootp;\n};\n";
        let ports = parse_header(header);
        let summary: Vec<_> = ports.iter().map(|p| (p.name.as_str(), p.dir, p.width(), p.words)).collect();
        assert_eq!(
            summary,
            [
                ("clk_i", Dir::In, 1, 1),
                ("lane_o", Dir::Out, 16, 1),
                ("count_i", Dir::In, 32, 1),
                ("bits_o", Dir::Out, 48, 2),
                ("data_i", Dir::In, 256, 8),
                ("pad_io", Dir::InOut, 4, 1),
                ("ser_o", Dir::Out, 110, 4),
            ]
        );
    }

    #[test]
    fn other_lines_are_not_ports() {
        for line in
            ["VL_IN8(clk_i,0,0);", "VL_INX(&a,0,0);", "VL_IN8(&a,x,0);", "VL_ATTR_ALIGNED(8)", "// VL_IN8"]
        {
            assert_eq!(parse_header(line), [], "{line}");
        }
    }
}
