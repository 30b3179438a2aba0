//! `include/tessera_dpi.h` is what cbindgen makes of `src/ffi.rs` today: the test fails
//! when the checked-in header drifts. `TESSERA_BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn checked_in_header_is_cbindgens() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen parses src/")
        .write(&mut out);
    let made = String::from_utf8(out).expect("UTF-8 header");
    let path = crate_dir.join("include/tessera_dpi.h");
    if std::env::var_os("TESSERA_BLESS").is_some() {
        std::fs::write(&path, &made).expect("write the header");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == made,
        "{} differs from cbindgen's output for src/ffi.rs; run TESSERA_BLESS=1 cargo test -p tessera-dpi --test header",
        path.display()
    );
    for f in
        ["tessera_new", "tessera_free", "tessera_last_error", "tessera_tx_clock", "tessera_rx_check_link"]
    {
        assert!(made.contains(&format!("{f}(")), "{f} missing from the header");
    }
}
