//! The user's own configuration beside the bookmarks file (which lives in
//! `rolehop_files::bookmarks`): the recently-used list.

pub mod history;
