//! The RTL configurations built into this crate (the list is `cosim/configs.rs`).

include!("../configs.rs");

impl DutConfig {
    /// The configuration with this name.
    pub fn by_name(name: &str) -> Option<&'static DutConfig> {
        CONFIGS.iter().find(|c| c.name == name)
    }
    /// Physical channels.
    pub fn channels(&self) -> u32 {
        self.lanes + self.spares
    }
}
