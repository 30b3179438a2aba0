//! `tessera gen`, `tessera check`, `tessera inspect` (placeholder until the vector crate lands).

use std::process::ExitCode;

/// Arguments of `tessera gen`.
#[derive(clap::Args, Debug)]
pub struct GenArgs {}
/// Arguments of `tessera check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {}
/// Arguments of `tessera inspect`.
#[derive(clap::Args, Debug)]
pub struct InspectArgs {}

pub fn gen(_: GenArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("tessera gen is not built yet")
}
pub fn check(_: CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("tessera check is not built yet")
}
pub fn inspect(_: InspectArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("tessera inspect is not built yet")
}
