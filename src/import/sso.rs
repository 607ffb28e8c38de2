//! The file side of an IAM Identity Center sync, shared by `rolehop sso
//! sync` and the picker's `Ctrl-S`: the portal's listing planned against
//! the bookmarks file as it is now, then written in one locked edit.

use crate::error::Result;
use crate::paths;
use crate::sso::marks::{self, Refusal};
use crate::sso::{Instance, sync};
use rolehop_files::bookmarks::Bookmarks;

/// The plan for `listing`, against the file re-read now (it may have
/// changed while the portal was listed), with the refusals it looked at.
pub fn plan(
    inst: &Instance,
    listing: &sync::Listing,
    prune: bool,
) -> Result<(sync::Plan, Vec<Refusal>)> {
    let file = Bookmarks::load(&paths::bookmarks_path()?)?;
    let refused = marks::read(inst).refused;
    let opts = sync::Options {
        prune,
        refused: refused.clone(),
    };
    Ok((sync::plan(inst, listing, &file, &opts)?, refused))
}

/// Write `plan` (unless `dry_run`); the refusals it reported are cleared.
pub fn write(
    inst: &Instance,
    plan: sync::Plan,
    refused: &[Refusal],
    dry_run: bool,
) -> Result<super::Report> {
    let report = super::write(
        &format!("sso {}", inst.name),
        plan.parsed,
        dry_run,
        false,
        &plan.changes,
        &plan.existing,
    )?;
    if !dry_run {
        marks::clear_refused(inst, refused);
    }
    Ok(report)
}
