//! The regions the region chooser (`R`) offers: a static list of the AWS
//! regions by partition, filtered as the user types. A session's credentials
//! only work in their own partition, so only its partition's regions are
//! offered; a region missing from the list (a new one) can be typed in full.

/// The standard (commercial) partition, `aws`: code and location.
pub const COMMERCIAL: &[(&str, &str)] = &[
    ("us-east-1", "N. Virginia"),
    ("us-east-2", "Ohio"),
    ("us-west-1", "N. California"),
    ("us-west-2", "Oregon"),
    ("af-south-1", "Cape Town"),
    ("ap-east-1", "Hong Kong"),
    ("ap-south-1", "Mumbai"),
    ("ap-south-2", "Hyderabad"),
    ("ap-southeast-1", "Singapore"),
    ("ap-southeast-2", "Sydney"),
    ("ap-southeast-3", "Jakarta"),
    ("ap-southeast-4", "Melbourne"),
    ("ap-southeast-5", "Malaysia"),
    ("ap-northeast-1", "Tokyo"),
    ("ap-northeast-2", "Seoul"),
    ("ap-northeast-3", "Osaka"),
    ("ca-central-1", "Canada Central"),
    ("ca-west-1", "Calgary"),
    ("eu-central-1", "Frankfurt"),
    ("eu-central-2", "Zurich"),
    ("eu-west-1", "Ireland"),
    ("eu-west-2", "London"),
    ("eu-west-3", "Paris"),
    ("eu-north-1", "Stockholm"),
    ("eu-south-1", "Milan"),
    ("eu-south-2", "Spain"),
    ("il-central-1", "Tel Aviv"),
    ("me-south-1", "Bahrain"),
    ("me-central-1", "UAE"),
    ("mx-central-1", "Mexico Central"),
    ("sa-east-1", "São Paulo"),
];

/// The China partition, `aws-cn`.
pub const CHINA: &[(&str, &str)] = &[("cn-north-1", "Beijing"), ("cn-northwest-1", "Ningxia")];

/// The GovCloud partition, `aws-us-gov`.
pub const GOVCLOUD: &[(&str, &str)] = &[
    ("us-gov-west-1", "GovCloud US-West"),
    ("us-gov-east-1", "GovCloud US-East"),
];

/// The partition a region code belongs to (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition_of(region: &str) -> &'static str {
    rolehop_files::bookmarks::partition_of(region)
}

/// The listed regions of `partition`.
pub fn of_partition(partition: &str) -> &'static [(&'static str, &'static str)] {
    match partition {
        "aws-cn" => CHINA,
        "aws-us-gov" => GOVCLOUD,
        _ => COMMERCIAL,
    }
}

/// The location of a listed region.
pub fn location(code: &str) -> Option<&'static str> {
    [COMMERCIAL, CHINA, GOVCLOUD]
        .into_iter()
        .flatten()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
}

/// Shaped like a region code (`eu-west-1`, `us-gov-east-1`, `ap-southeast-7`):
/// lower-case letter groups joined by `-`, ending in a number.
pub fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let Some((last, words)) = parts.split_last() else {
        return false;
    };
    words.len() >= 2
        && words[0].len() == 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// One row of the chooser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub location: Option<&'static str>,
    /// The region the session's hand-overs use now (listed first).
    pub current: bool,
}

/// The rows for a session now handing over in `current`, in `partition`,
/// filtered by `filter`: every word of it must occur in the code or the
/// location (ignoring case). The current region comes first.
pub fn choices(current: Option<&str>, partition: &str, filter: &str) -> Vec<Choice> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let fits = |code: &str, location: Option<&str>| {
        let hay = format!("{code} {}", location.unwrap_or("")).to_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let mut out = Vec::new();
    if let Some(c) = current
        && fits(c, location(c))
    {
        out.push(Choice {
            code: c.to_owned(),
            location: location(c),
            current: true,
        });
    }
    for (code, loc) in of_partition(partition) {
        if Some(*code) != current && fits(code, Some(loc)) {
            out.push(Choice {
                code: (*code).to_owned(),
                location: Some(loc),
                current: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &[Choice]) -> Vec<&str> {
        c.iter().map(|c| c.code.as_str()).collect()
    }

    #[test]
    fn the_current_region_comes_first_and_only_once() {
        let all = choices(Some("eu-west-1"), "aws", "");
        assert_eq!(all[0].code, "eu-west-1");
        assert!(all[0].current);
        assert_eq!(all.iter().filter(|c| c.code == "eu-west-1").count(), 1);
        assert_eq!(all.len(), COMMERCIAL.len());
        assert!(all[1..].iter().all(|c| !c.current));
        // A region the list does not know is still shown as the current one.
        let all = choices(Some("ap-southeast-7"), "aws", "");
        assert_eq!(all[0].code, "ap-southeast-7");
        assert_eq!(all.len(), COMMERCIAL.len() + 1);
    }

    #[test]
    fn only_the_sessions_partition_is_offered() {
        let aws = choices(None, "aws", "");
        assert!(
            aws.iter()
                .all(|c| !c.code.starts_with("cn-") && !c.code.starts_with("us-gov-"))
        );
        assert_eq!(
            codes(&choices(None, "aws-cn", "")),
            ["cn-north-1", "cn-northwest-1"]
        );
        assert_eq!(
            codes(&choices(Some("us-gov-west-1"), "aws-us-gov", "")),
            ["us-gov-west-1", "us-gov-east-1"]
        );
    }

    #[test]
    fn typing_filters_by_code_and_location() {
        assert_eq!(
            codes(&choices(Some("us-east-1"), "aws", "frank")),
            ["eu-central-1"]
        );
        assert_eq!(
            codes(&choices(None, "aws", "EU-WEST")),
            ["eu-west-1", "eu-west-2", "eu-west-3"]
        );
        assert_eq!(
            codes(&choices(None, "aws", "ap north 3")),
            ["ap-northeast-3"]
        );
        assert!(choices(Some("us-east-1"), "aws", "zzz").is_empty());
    }

    #[test]
    fn region_codes_are_recognised_by_shape() {
        for ok in ["eu-west-1", "us-gov-east-1", "ap-southeast-7", "cn-north-1"] {
            assert!(looks_like_region(ok), "{ok}");
        }
        for bad in [
            "",
            "eu",
            "eu-west",
            "eu-west-x",
            "EU-WEST-1",
            "europe-west-1",
            "-1",
        ] {
            assert!(!looks_like_region(bad), "{bad}");
        }
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-east-1"), "aws-us-gov");
        assert_eq!(partition_of("eu-west-1"), "aws");
        assert_eq!(location("eu-central-1"), Some("Frankfurt"));
    }
}
