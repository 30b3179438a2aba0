//! The RTL configurations built into this crate (the list is `cosim/configs.rs`).

include!("../configs.rs");

impl DutConfig {
    /// The configuration with this name.
    pub fn by_name(name: &str) -> Option<&'static DutConfig> {
        CONFIGS.iter().find(|c| c.name == name)
    }
    /// The configuration with this name, or an error listing the ones built.
    pub fn lookup(name: &str) -> Result<&'static DutConfig, crate::DutError> {
        Self::by_name(name).ok_or_else(|| crate::DutError::UnknownConfig {
            name: name.to_string(),
            built: CONFIGS.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
        })
    }
    /// Physical channels.
    pub fn channels(&self) -> u32 {
        self.lanes + self.spares
    }
}
