//! rolehop against the AWS SDKs' own conformance material (the cross-SDK
//! profile-parser and assume-role suites, the Rust SDK's provider cases,
//! botocore's config fixtures and assume-role tests, the Go SDKs' INI and
//! shared-config files, the AWS CLI's `configure set` writer cases and
//! aws-vault's config cases), each edge case rewritten here as our own input.
//! `tests/CONFORMANCE.md` maps every upstream file and case to the cases
//! below by name; `coverage_table_names_real_cases` keeps the two in step.
//!
//! * [`WRITES`]: for each file, writing profile `p` keeps every byte outside
//!   it, every other profile reads the same to the Rust SDK and to botocore
//!   before and after, a file either of them refuses stays refused (rolehop
//!   does not repair the user's file), and `p` reads back what was written.
//! * [`EXACT`]: where `rolehop write` puts its keys, byte for byte, in files
//!   shaped as `aws configure set` and aws-vault leave them.
//! * [`REFUSALS`]: what is refused with a clear error, the file untouched.
//! * [`IMPORTS`]: `import aws-config` against the Rust SDK's own credential
//!   chain: which role profiles it sees, and that an imported bookmark makes
//!   the same AssumeRole calls with the same credentials as the SDK does.

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_types::error::display::DisplayErrorContext;
use rolehop::import::{Entry, aws_config as import};
use rolehop_files::bookmarks::{Outcome, plan_many};
use rolehop_files::credentials::write_profile;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

// ---------------------------------------------------------------------------
// Writing into files as people have them
// ---------------------------------------------------------------------------

/// Which SDKs read the file as a whole (before and after the write alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Readers {
    Both,
    /// The Rust SDK reads it, botocore refuses it (duplicate sections or
    /// keys, a key before any section, ...).
    RustOnly,
    /// botocore reads it, the Rust SDK refuses it.
    BotocoreOnly,
    Neither,
}
use Readers::*;

/// A credentials file; `p` is the profile written.
struct W {
    name: &'static str,
    /// The upstream file(s) and case(s) this one mirrors.
    mirrors: &'static str,
    readers: Readers,
    text: &'static str,
}

const WRITES: &[W] = &[
    W {
        name: "empty file",
        mirrors: "profile-parser 'Empty files have no profiles.'; awscli configure set 'test_set_with_empty_config_file'; provider-cases with no files",
        readers: Both,
        text: "",
    },
    W {
        name: "comments of every kind",
        mirrors: "profile-parser 'Pound sign / Semicolon sign comments are ignored.', 'All comment types can be used together.'; go-ini valid/commented_profile",
        readers: Both,
        text: "# top\n; also top\n[other] # next to the name\nregion = eu-west-1 # part of the value\n;x\n[p] ; here too\nfoo = bar\n",
    },
    W {
        name: "windows line endings",
        mirrors: "profile-parser 'Windows style line endings are supported.'",
        readers: Both,
        text: "[other]\r\nregion = eu-west-1\r\n\r\n[p]\r\naws_access_key_id = ASIAOLD\r\n",
    },
    W {
        name: "continued values",
        mirrors: "profile-parser 'Property values can be continued on the next line.', 'Continuation values include pound comments.'",
        readers: Both,
        text: "[other]\nregion = us-\n  east-1\n  # not a comment\n[p]\ncustom = a\n  b\n",
    },
    W {
        name: "sub-properties in both",
        mirrors: "profile-parser 'Properties can have sub-properties.'; botocore cfg/aws_config_nested",
        readers: Both,
        text: "[other]\ns3 =\n  max_concurrent_requests = 10\n\n  use_accelerate_endpoint = true\n[p]\ns3 =\n  aws_session_token = nested-not-ours\n",
    },
    W {
        name: "duplicate profiles",
        mirrors: "profile-parser 'Duplicate profiles in the same file merge properties.'; go-v2 'duplicate profiles in credentials file'",
        readers: RustOnly,
        text: "[other]\na = 1\n[p]\naws_access_key_id = ASIAONE\n[other]\nb = 2\n[p]\naws_session_token = two\n",
    },
    W {
        name: "duplicate keys in any case",
        mirrors: "profile-parser 'Duplicate properties in a profile use the last one defined.'",
        readers: RustOnly,
        text: "[p]\nAWS_ACCESS_KEY_ID = ASIAUP\naws_access_key_id = ASIALOW\nAws_Session_Token = t\n[other]\nREGION = x\nregion = y\n",
    },
    W {
        name: "empty values",
        mirrors: "profile-parser 'Property values can be empty.'",
        readers: Both,
        text: "[other]\nregion =\nout=\n[p]\naws_session_token =\n",
    },
    W {
        name: "unicode values",
        mirrors: "profile-parser 'Unicode characters are supported in property values.'",
        readers: Both,
        text: "[other]\nnote = café ☕ 😀\n[p]\nnote = ünïcode\n",
    },
    W {
        name: "profile prefix in the credentials file",
        mirrors: "profile-parser 'Credentials profiles with prefix are ignored.'; go-v2 'profile prefix used in credentials files'",
        readers: Both,
        text: "[profile p]\naws_access_key_id = ASIAPREFIXED\n[other]\nregion = x\n",
    },
    W {
        name: "spaces and tabs in headers",
        mirrors: "profile-parser 'Profile names should be trimmed.', 'profile name with extra whitespace in credentials'; go-ini valid/sections_profile, empty_profile",
        readers: Both,
        text: "[ p ]\naws_access_key_id = ASIAOLD\n[\tother\t]\nregion = x\n",
    },
    W {
        name: "an invalid profile name",
        mirrors: "profile-parser 'Invalid profile names are ignored.', 'properties from an invalid profile name are ignored'",
        readers: Both,
        text: "[foo bar]\nregion = x\n[other]\nregion = y\n",
    },
    W {
        name: "no final newline",
        mirrors: "profile-parser 'Profiles can contain properties.' (no final newline)",
        readers: Both,
        text: "[other]\nregion = x\n[p]\nfoo = bar",
    },
    W {
        name: "equals signs in values",
        mirrors: "profile-parser 'Equals signs are supported in property values.'; go-ini valid/simple_profile; awscli 'test_set_with_a_url'",
        readers: Both,
        text: "[other]\nurl = https://x/?a=b&c=d\n[p]\nx = y=z\n",
    },
    W {
        name: "leading blank and space lines",
        mirrors: "profile-parser 'Blank lines are ignored.'",
        readers: Both,
        text: "\n\n   \n[other]\nregion = x\n",
    },
    W {
        name: "keys and values with spaces around",
        mirrors: "profile-parser 'Property keys and values are trimmed.'; awscli 'test_spaces_around_key_names'",
        readers: Both,
        text: "[other]\nregion   =   eu-west-1   \n[p]\naws_access_key_id\t=\tASIATAB\n",
    },
    W {
        name: "sso-session and services sections",
        mirrors: "profile-parser 'sso-session with properties'; botocore cfg/aws_services_config, cfg/aws_sso_session_config",
        readers: Both,
        text: "[sso-session corp]\nsso_region = us-east-1\n[services dev]\ns3 =\n  endpoint_url = http://localhost\n[other]\nservices = dev\n",
    },
    W {
        name: "all valid profile name characters",
        mirrors: "profile-parser 'Profile names support alphanumeric characters and - / . % @ _ : +', 'All valid profile name characters are supported.'; provider-cases profile_name",
        readers: Both,
        text: "[a-b/c.d%e@f_g:h+i]\nx = 1\n[p]\ny = 2\n",
    },
    W {
        name: "empty comments",
        mirrors: "profile-parser 'Comments can be empty.'",
        readers: Both,
        text: "#\n;\n[other]\n#\nregion = x\n;\n",
    },
    W {
        name: "comment characters against the header",
        mirrors: "profile-parser 'Comments can be adjacent to profile names.', 'Comment characters adjacent to profile decls'",
        readers: Both,
        text: "[p]#x\nfoo = 1\n[other];y\nregion = x\n",
    },
    W {
        name: "a continuation reset by a header",
        mirrors: "profile-parser 'Continuations reset with profile definitions.'",
        readers: Both,
        text: "[other]\nregion = a\n  b\n[p]\n  \nfoo = bar\n",
    },
    W {
        name: "invalid property names are ignored",
        mirrors: "profile-parser 'Invalid property names are ignored.'; go-ini valid/space_lhs",
        readers: Both,
        text: "[other]\nin valid = x\nregion = y\n",
    },
    W {
        name: "empty sub-property values",
        mirrors: "profile-parser 'Sub-property definitions can have an empty value.'",
        readers: Both,
        text: "[other]\ns3 =\n  addressing_style =\n  max = 1\n",
    },
    W {
        name: "a property before any profile",
        mirrors: "profile-parser 'Properties must be defined in a profile.'; botocore cfg/aws_config_bad; go-ini valid/global_values_profile",
        readers: Neither,
        text: "orphan = 1\n[other]\nregion = x\n",
    },
    W {
        name: "an empty property key",
        mirrors: "profile-parser 'Property key cannot be empty.'; provider-cases profile-provider/invalid_config",
        readers: Neither,
        text: "[other]\n = x\nregion = y\n",
    },
    W {
        name: "a line without an equals sign",
        mirrors: "profile-parser 'Property definitions must contain an equals sign.'",
        readers: Neither,
        text: "[other]\nregion\n[p]\nfoo = bar\n",
    },
    W {
        name: "sections only",
        mirrors: "profile-parser 'Multiple profiles can be empty.'",
        readers: Both,
        text: "[other]\n[p]\n[third]\n",
    },
    W {
        name: "long-term keys elsewhere",
        mirrors: "provider-cases profile_static_keys, environment_variables_blank; go-ini files/aws__credentials__example.ini",
        readers: Both,
        text: "[default]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = secret\n[p]\naws_access_key_id = ASIAOLD\naws_session_token = old\n",
    },
    W {
        name: "an empty section without a newline",
        mirrors: "profile-parser 'Empty profiles have no properties.'",
        readers: Both,
        text: "[other]",
    },
    W {
        name: "an invalid name character next to valid ones",
        mirrors: "profile-parser 'Profile names support alphanumeric characters and - / . % @ _ : +' ([profile foo!bar] dropped)",
        readers: Both,
        text: "[ok.name]\nk = 1\n[not!ok]\nk = 2\n[p]\nk = 3\n",
    },
    W {
        name: "an unterminated header",
        mirrors: "profile-parser 'Profile definitions must end with brackets.'; go-ini invalid/incomplete_section_profile; files/aws__session__testdata__shared_config_invalid_ini",
        readers: Neither,
        text: "[other]\nregion = x\n[unclosed\nk = v\n",
    },
    W {
        name: "several profiles, several properties",
        mirrors: "profile-parser 'Profiles can contain multiple properties.' (x2), 'Multiple profiles can have properties.'",
        readers: Both,
        text: "[first]\nk1 = a\nk2 = b\n[second]\nk3 = c\n[p]\nk4 = d\nk5 = e\n",
    },
    W {
        name: "windows line endings without a final newline",
        mirrors: "profile-parser 'Windows style line endings are supported.' (no final newline)",
        readers: Both,
        text: "[other]\r\nk = v\r\n[p]\r\naws_session_token = old",
    },
    W {
        name: "whitespace-only lines, the last without a newline",
        mirrors: "profile-parser 'Blank lines are ignored.'",
        readers: Both,
        text: "\t \n[other]\n\t\n \nk = v\n\t \n[p]\n \t",
    },
    W {
        name: "comment characters inside values",
        mirrors: "profile-parser 'Comments adjacent to values are included in the value.'",
        readers: Both,
        text: "[other]\na = x;y\nb = x#y\nc = x ;y\nd = x #y\n[p]\nnote = v;w\n",
    },
    W {
        name: "continuations with tabs and comment characters",
        mirrors: "profile-parser 'Property values can be continued with multiple lines.', 'Continuations are trimmed.', 'Continuation values include semicolon comments.'",
        readers: Both,
        text: "[other]\nk = first\n \t -second \t \n  -third ; kept\n\t-fourth # kept\n[p]\nk = v\n",
    },
    W {
        name: "a continuation before any profile",
        mirrors: "profile-parser 'Continuations cannot be used outside of a profile.'",
        readers: Neither,
        text: "  stray\n[other]\nk = v\n",
    },
    W {
        name: "a continuation right after a header",
        mirrors: "profile-parser 'Continuations cannot be used outside of a property.'",
        readers: Neither,
        text: "[other]\n  dangling\nk = v\n",
    },
    W {
        name: "a continuation after a repeated header",
        mirrors: "profile-parser 'Continuations reset with profile definitions.', 'Invalid continuation'",
        readers: Neither,
        text: "[other]\nk = v\n[other]\n  hanging\n[p]\nx = y\n",
    },
    W {
        name: "the same key in two copies of a profile",
        mirrors: "profile-parser 'Duplicate properties in duplicate profiles use the last one defined.' (and '(case insensitive)')",
        readers: RustOnly,
        text: "[other]\nk = one\n[other]\nK = two\n[p]\naws_session_token = first\n[p]\nAWS_SESSION_TOKEN = second\n",
    },
    W {
        name: "default with and without the profile prefix",
        mirrors: "profile-parser 'Default profile with profile prefix overrides default profile without prefix ...' (credentials-file form)",
        readers: Both,
        text: "[profile default]\nk = 1\n[default]\nk = 2\n[p]\nx = 1\n",
    },
    W {
        name: "property names of every allowed character",
        mirrors: "profile-parser 'All valid property name characters are supported.'",
        readers: Both,
        text: "[other]\nAbc-XYZ_09 = v\n[p]\nMixed_Case-Key9 = w\n",
    },
    W {
        name: "a sub-property without an equals sign",
        mirrors: "profile-parser 'Invalid sub-property definitions cause an error.'; botocore cfg/aws_config_nested_bad",
        readers: Neither,
        text: "[other]\ns3 =\n  no_equals_here\nregion = x\n",
    },
    W {
        name: "a sub-property without a name",
        mirrors: "profile-parser 'Sub-property definitions cannot have an empty name.'",
        readers: BotocoreOnly,
        text: "[other]\ns3 =\n  = orphan\n",
    },
    W {
        name: "a sub-property with an invalid name",
        mirrors: "profile-parser 'Sub-property definitions can have an invalid name.'",
        readers: Both,
        text: "[other]\ns3 =\n  not valid = x\n[p]\nec2 =\n  also not = y\n",
    },
    W {
        name: "blank lines inside a sub-property block of the written profile",
        mirrors: "profile-parser 'Sub-properties can have blank lines that are ignored'",
        readers: Both,
        text: "[p]\ns3 =\n  a = 1\n\t \n  b = 2\naws_session_token = old\n[other]\nk = v\n",
    },
    W {
        name: "a profile named like an sso-session",
        mirrors: "profile-parser 'sso-session without the space before the name is a profile'",
        readers: Both,
        text: "[sso-sessionx]\nk = v\n[other]\n",
    },
    W {
        name: "quoted and malformed quoted headers",
        mirrors: "botocore cfg/aws_bad_profile; awscli 'test_double_quoted_profile_name', 'test_profile_with_multiple_spaces'; go-ini valid/profile_name",
        readers: Both,
        text: "[default]\nregion = x\n\n# quoted names\n[profile \"two\" \"words\"]\nk = v\n[profile \"with space\"]\nk = v\n[profile \"no end]\n\n[\"p\"]\naws_access_key_id = AKIAQUOTEDP\naws_secret_access_key = s\n[ profile q ]\nk = v\n[plain-one]\nk = v\n",
    },
    W {
        name: "a quoted profile and legacy security tokens",
        mirrors: "botocore cfg/aws_config, cfg/aws_config_other, cfg/aws_third_config",
        readers: Both,
        text: "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = s\n\n[profile \"quoted\"]\naws_access_key_id = ASIAQ\naws_secret_access_key = s\naws_security_token = legacy\n[p]\naws_access_key_id = ASIAOLDP\naws_secret_access_key = old\naws_security_token = legacy-p\n",
    },
    W {
        name: "nested blocks then a key without spaces",
        mirrors: "botocore cfg/aws_config_nested",
        readers: Both,
        text: "[p]\naws_access_key_id = ASIAOLD\naws_session_token = t\ns3 =\n    signature_version = s3v4\n    addressing_style = virtual\nec2 =\n    signature_version = v4\nregion=eu-west-1\n",
    },
    W {
        name: "a default profile with only a region",
        mirrors: "botocore cfg/aws_config_nocreds; provider-cases imds_config_with_no_creds",
        readers: Both,
        text: "[default]\nregion = eu-north-1\n",
    },
    W {
        name: "legacy keys without a section",
        mirrors: "botocore cfg/aws_credentials",
        readers: Neither,
        text: "AWSAccessKeyId=AKIALEGACY\nAWSSecretKey=legacy\n",
    },
    W {
        name: "profile names differing only in case",
        mirrors: "botocore cfg/boto_config; go-v2 shared_credentials; aws-vault TestIniWithDEFAULTHeader",
        readers: Both,
        text: "[P]\naws_access_key_id = AKIAUPPERP\naws_secret_access_key = s\n[Credentials]\naws_access_key_id = AKIABOTO\naws_secret_access_key = s\n[DEFAULT]\nregion = x\n[default]\nregion = y\n",
    },
    W {
        name: "a section holding only a comment",
        mirrors: "botocore cfg/boto_config_empty",
        readers: Both,
        text: "[other]\n# nothing yet\n[p]\n; only a comment\n",
    },
    W {
        name: "unknown keys are kept",
        mirrors: "botocore cfg/foo_config",
        readers: Both,
        text: "[default]\nregion_of_foo = x\naws_access_key_id = AKIAD\naws_secret_access_key = s\n[p]\ncustom_setting = keep\naws_session_token = old\n",
    },
    W {
        name: "a profile named like an ARN",
        mirrors: "go-ini valid/arn_profile",
        readers: Both,
        text: "[arn:aws:sts::111122223333:assumed-role/Ops/me]\nregion = \"eu-west-1\"\narn = arn:aws:sts::111122223333:assumed-role/Ops/me\n[p]\nk = v\n",
    },
    W {
        name: "quoted lists and tab-indented blocks",
        mirrors: "go-ini valid/array_profile",
        readers: Both,
        text: "[ listy ]\nitems = \"a\",\"b\", \"c\"\ncount = 7\nblock =\n\tx = 1,2\n\ty = 3\nafter = \"z\"\n",
    },
    W {
        name: "number-like values",
        mirrors: "go-ini valid/base_numbers_profile, exponent_profile, issue_2253",
        readers: Both,
        text: "[numbers]\nbin=0b1010\noct=0o17\nhex=0xBEEF\nexp=2e3\nneg_exp=5E-2\nnot_hex=0x1zz\nhuge=98765432109876543210987654321\nlead=007\n",
    },
    W {
        name: "backslash escapes in quoted values",
        mirrors: "go-ini valid/escaped_profile",
        readers: Both,
        text: "[other]\nq = \"\\\"quoted\\\"\"\nnl = \"line\\n\"\n[p]\nk = \"a\\tb\"\n",
    },
    W {
        name: "aligned equals signs",
        mirrors: "go-ini valid/issue_2281",
        readers: Both,
        text: "[p]\naws_access_key_id          = ASIAALIGN\naws_secret_access_key      = old\naws_session_token          = old\nx_principal_arn            = arn:aws:sts::111122223333:x\n[other]\nkey_one    = 1\nk2         = 2\n",
    },
    W {
        name: "empty credential values",
        mirrors: "go-ini valid/issue_2800",
        readers: Both,
        text: "[blank]\naws_access_key_id =\naws_secret_access_key =\naws_session_token =\n[p]\naws_access_key_id =\naws_secret_access_key =\naws_session_token =\n[full]\naws_access_key_id = AKIAFULL\naws_secret_access_key = s\n",
    },
    W {
        name: "a key hidden in a continuation",
        mirrors: "go-ini valid/nested_fields",
        readers: Both,
        text: "[p]\naws_access_key_id =\n\taws_secret_access_key = hidden\naws_session_token = old\n[other]\nk =\n\tnested = v\n",
    },
    W {
        name: "numeric keys",
        mirrors: "go-ini valid/number_lhs_expr",
        readers: Both,
        text: "[other]\n42 = 4.2\n[p]\n7 = x\n",
    },
    W {
        name: "separators and brackets in values",
        mirrors: "go-ini valid/op_sep_in_values (cases 1-5, 7)",
        readers: Both,
        text: "[one]\nsep = =:[x]]y[\nkey:= v1\n[two]\nsep==:[x]]y[\n[three]\nsep = []\nkey== v3\n[four]\ns3 =\nkey :=v4\n[p]\naws_session_token = old\nsep = [v] w=x\n",
    },
    W {
        name: "a header-like line in a nested block",
        mirrors: "go-ini valid/op_sep_in_values (case6)",
        readers: Neither,
        text: "[four]\ns3 =\n    [looks-like-a-header]\n    key = n\nkey = after\n[p]\naws_session_token = old\ns3 =\n    [also-not-a-header]\n    k = v\n",
    },
    W {
        name: "a colon instead of an equals sign",
        mirrors: "go-ini files/aws__credentials__example.ini [with_colon]; profile-parser 'Property definitions must contain an equals sign.'",
        readers: BotocoreOnly,
        text: "[colon]\naws_access_key_id: AKIACOLON\naws_secret_access_key: s\n[p]\nk = v\n",
    },
    W {
        name: "unicode names and keys",
        mirrors: "go-ini valid/utf_8_profile",
        readers: Both,
        text: "[ünïcødé]\nkéy = välue\nclé = \"çà\"\n[p]\nk = v\n",
    },
    W {
        name: "separators in a header",
        mirrors: "go-ini invalid/bad_section_name",
        readers: Both,
        text: "[ =:x ]\n[other]\nk = v\n",
    },
    W {
        name: "a doubled opening bracket",
        mirrors: "go-ini invalid/bad_syntax_1",
        readers: Both,
        text: "[[other]\nk = v\n",
    },
    W {
        name: "a doubled closing bracket",
        mirrors: "go-ini invalid/bad_syntax_2",
        readers: Both,
        text: "[other]]\nk = v\n",
    },
    W {
        name: "brackets in a key",
        mirrors: "go-ini invalid/invalid_keys",
        readers: Both,
        text: "[other]\nkey[0] = v\n",
    },
    W {
        name: "a comment inside the brackets",
        mirrors: "go-ini invalid/syntax_error_comment",
        readers: BotocoreOnly,
        text: "[ other #]\nk = v\n",
    },
    W {
        name: "credential_process next to keys",
        mirrors: "go-ini files/aws__credentials__processcreds__testdata__shcred.ini, shconfig.ini",
        readers: Both,
        text: "[proc]\ncredential_process = /bin/false\n[proc-and-keys]\naws_access_key_id = AKIAPK\naws_secret_access_key = s\ncredential_process = /bin/true\n[p]\naws_session_token = old\n",
    },
    W {
        name: "credential sources of every kind",
        mirrors: "go-ini files/aws__session__testdata__credential_source_config; go-v2 config_source_shared",
        readers: Both,
        text: "[envsrc]\nrole_arn = arn:aws:iam::111111111111:role/E\ncredential_source = Environment\n[both]\nrole_arn = arn:aws:iam::111111111111:role/B\ncredential_source = Ec2InstanceMetadata\nsource_profile = envsrc\n[sso-ish]\nsso_account_id = 111111111111\nsso_region = eu-west-1\nsso_role_name = R\nsso_start_url = https://x.example/start\n[web]\nweb_identity_token_file = /tmp/t\nrole_arn = arn:aws:iam::111111111111:role/W\n",
    },
    W {
        name: "settings with comments between sections",
        mirrors: "go-ini files/aws__session__testdata__csm_shared_config",
        readers: Both,
        text: "\n; full\n[metrics]\ncsm_enabled = true\ncsm_port = 31000\n\n; empty\n[metrics_empty]\n\n; bad port\n[metrics_bad]\ncsm_port = lots\n",
    },
    W {
        name: "a nested block, a blank line, then a key",
        mirrors: "go-ini files/aws__session__testdata__shared_config; go-v2 shared_config ([default] s3 block)",
        readers: Both,
        text: "[default]\ns3 =\n  k1=1\n  k2=abc\n\nregion = x\n[p]\ns3 =\n  k = 1\n\naws_session_token = old\n",
    },
    W {
        name: "an indented header",
        mirrors: "go-v2 leading_ws_trailing_nl",
        readers: BotocoreOnly,
        text: "\t\t[profile indented]\n        retry_mode = standard\n",
    },
    W {
        name: "an indented header without a final newline",
        mirrors: "go-v2 leading_ws",
        readers: BotocoreOnly,
        text: "\t\t[profile indented]\n        retry_mode = standard",
    },
    W {
        name: "a credentials file with config-file headers",
        mirrors: "go-v2 load_credentials",
        readers: RustOnly,
        text: "[dup]\nregion = a\n\n[profile    spaced]\nregion = b\n\n[dup]\nregion = c\n\n[profile unused]\nregion = d\n\n[partial]\naws_secret_access_key = s\n\n[profile-bar]\nregion = e\n\n\n",
    },
    W {
        name: "assume-role settings in the credentials file",
        mirrors: "go-v2 gh1204_credentials + gh1204_config",
        readers: Both,
        text: "[p]\naws_access_key_id = ASIAOLD\naws_secret_access_key = o\naws_session_token = o\n[other]\nrole_arn = arn:aws:iam::111111111111:role/X\nexternal_id = e\nrole_session_name = n\nduration_seconds = 900\nsource_profile = p\n",
    },
    W {
        name: "mixed-case keys and inline comments",
        mirrors: "aws-vault exampleConfig (REGION, Role_Arn, mfa_Serial, 'region = moon-1 # ...')",
        readers: Both,
        text: "# a comment first\n[default]\nREGION=eu-west-3\noutput=json\nRole_Arn=arn:aws:iam::111111111111:role/V\n\n[p]\nmfa_Serial=arn:aws:iam::111111111111:mfa/me\nregion = eu-west-1 # inline\n",
    },
    W {
        name: "a nested block without spaces around equals",
        mirrors: "aws-vault nestedConfig",
        readers: Both,
        text: "[default]\n\n[p]\naws_access_key_id=ASIAOLD\naws_session_token=old\ns3=\n  max_concurrent_requests=20\n  max_queue_size=500\n",
    },
    W {
        name: "session tags with inner equals signs",
        mirrors: "aws-vault TestSessionTaggingFromIni",
        readers: Both,
        text: "[tagged]\nsession_tags = a = 1 , b=2 ,c=3\ntransitive_session_tags = x ,y,z\n[p]\nk = v\n",
    },
    W {
        name: "include_profile and sso-session keys",
        mirrors: "aws-vault exampleConfig (include_profile, with-sso-session, [sso-session moon-sso])",
        readers: Both,
        text: "[inc]\ninclude_profile = base\n[with-sso]\nsso_session = moon\nregion = x # comment\n[sso-session moon]\nsso_region = y  # two spaces\n",
    },
    W {
        name: "upper-case key names in the written profile",
        mirrors: "provider-cases profile_static_keys_case_insensitive",
        readers: Both,
        text: "[p]\nAWS_ACCESS_KEY_ID = ASIAUP\nAWS_SECRET_ACCESS_KEY = old\nAWS_SESSION_TOKEN = old\n[default]\nAWS_ACCESS_KEY_ID = AKIAUP\nAWS_SECRET_ACCESS_KEY = s\n",
    },
    W {
        name: "an account id next to the keys",
        mirrors: "provider-cases e2e_assume_role, credential_process_account_id_fallback (aws_account_id)",
        readers: Both,
        text: "[base]\naws_access_key_id = AKIAB\naws_secret_access_key = s\naws_account_id = 111111111111\n[p]\naws_session_token = old\n",
    },
];

/// The keys every [`WRITES`] case writes into `p` (what `rolehop write`
/// stores), and the stale one it removes.
const WRITTEN: [(&str, &str); 3] = [
    ("aws_access_key_id", "ASIANEWKEYCONFORM"),
    ("aws_secret_access_key", "new/secret+value="),
    ("aws_session_token", "newTokenValue"),
];
const REMOVED: &str = "aws_security_token";

/// `aws_session_token = token` written into `p`, `aws_security_token`
/// removed; `before: None` is a file that does not exist yet.
struct X {
    name: &'static str,
    /// The upstream file(s) and case(s) this one mirrors.
    mirrors: &'static str,
    before: Option<&'static str>,
    token: &'static str,
    after: &'static str,
}

const EXACT: &[X] = &[
    X {
        name: "update in place, no final newline",
        mirrors: "awscli 'test_update_single_existing_value', 'test_set_with_updating_value'",
        before: Some("[p]\naws_session_token = old\nregion = x"),
        token: "NEW",
        after: "[p]\naws_session_token = NEW\nregion = x",
    },
    X {
        name: "brackets in the old and the new value",
        mirrors: "awscli 'test_update_value_with_square_brackets'",
        before: Some("[p]\naws_session_token = old[v]\nregion = x\n"),
        token: "new[v]",
        after: "[p]\naws_session_token = new[v]\nregion = x\n",
    },
    X {
        name: "update a key written without spaces",
        mirrors: "awscli 'test_update_single_existing_value_no_spaces'",
        before: Some("[p]\naws_session_token=old\nregion=x"),
        token: "NEW",
        after: "[p]\naws_session_token = NEW\nregion=x",
    },
    X {
        name: "a new key after the last one, no final newline",
        mirrors: "awscli 'test_update_single_new_values', 'test_handles_no_spaces'",
        before: Some("[p]\nregion=x"),
        token: "NEW",
        after: "[p]\nregion=x\naws_session_token = NEW",
    },
    X {
        name: "update in a middle section with a blank line after its header",
        mirrors: "awscli 'test_insert_values_in_middle_section'",
        before: Some("[a]\nk = 1\n\n[p]\n\naws_session_token = old\n[c]\nk = 2\n"),
        token: "NEW",
        after: "[a]\nk = 1\n\n[p]\n\naws_session_token = NEW\n[c]\nk = 2\n",
    },
    X {
        name: "a new key in a middle section goes before its blank lines",
        mirrors: "awscli 'test_insert_new_value_in_middle_section'",
        before: Some("[a]\nk = 1\n\n[p]\n\nregion = x\n\n[c]\nk = 2\n"),
        token: "NEW",
        after: "[a]\nk = 1\n\n[p]\n\nregion = x\naws_session_token = NEW\n\n[c]\nk = 2\n",
    },
    X {
        name: "a file holding only a newline",
        mirrors: "awscli 'test_new_config_file'",
        before: Some("\n"),
        token: "NEW",
        after: "\n[p]\naws_session_token = NEW\n",
    },
    X {
        name: "a new section after blank lines and a quoted section",
        mirrors: "awscli 'test_section_does_not_exist'; aws-vault TestAddProfileToExistingConfig",
        before: Some("[a]\nk = 1\n\n\n\n[b \"quoted\"]\n\nk = 2\n"),
        token: "NEW",
        after: "[a]\nk = 1\n\n\n\n[b \"quoted\"]\n\nk = 2\n\n[p]\naws_session_token = NEW\n",
    },
    X {
        name: "no file yet",
        mirrors: "awscli 'test_config_file_does_not_exist', 'test_permissions_on_new_file', 'test_set_with_config_file_no_exist'",
        before: None,
        token: "NEW",
        after: "[p]\naws_session_token = NEW\n",
    },
    X {
        name: "a commented-out key",
        mirrors: "awscli 'test_update_config_with_comments'",
        before: Some("[p]\n#aws_session_token = old\nregion = x\n"),
        token: "NEW",
        after: "[p]\n#aws_session_token = old\nregion = x\naws_session_token = NEW\n",
    },
    X {
        name: "a commented-out header before the section",
        mirrors: "awscli 'test_update_config_with_commented_section'",
        before: Some("#[p]\n[p]\n#aws_session_token = old\nregion = x\n"),
        token: "NEW",
        after: "#[p]\n[p]\n#aws_session_token = old\nregion = x\naws_session_token = NEW\n",
    },
    X {
        name: "a commented-out section only",
        mirrors: "awscli 'test_set_with_commented_out_field'",
        before: Some("#[p]\n;aws_session_token = old\n"),
        token: "NEW",
        after: "#[p]\n;aws_session_token = old\n\n[p]\naws_session_token = NEW\n",
    },
    X {
        name: "a nested block in the middle",
        mirrors: "awscli 'test_add_to_nested_with_nested_in_the_middle'",
        before: Some("[p]\ns3 =\n    other = v\nregion = x\n"),
        token: "NEW",
        after: "[p]\ns3 =\n    other = v\nregion = x\naws_session_token = NEW\n",
    },
    X {
        name: "a nested block at the end",
        mirrors: "awscli 'test_add_to_nested_with_nested_in_the_end', 'test_nested_attributes_new_file', 'test_set_with_triple_nesting', 'test_set_with_existing_config'",
        before: Some("[p]\ns3 =\n    other = v\n"),
        token: "NEW",
        after: "[p]\ns3 =\n    other = v\naws_session_token = NEW\n",
    },
    X {
        name: "a nested key of the same name is not the key",
        mirrors: "awscli 'test_update_nested_attribute', 'test_override_existing_value', 'test_set_with_profile_unknown_nested_key'",
        before: Some("[p]\ns3 =\n    aws_session_token = nested\n"),
        token: "NEW",
        after: "[p]\ns3 =\n    aws_session_token = nested\naws_session_token = NEW\n",
    },
    X {
        name: "a nested block before the next section",
        mirrors: "awscli 'test_updated_nested_attribute_new_section'",
        before: Some("[p]\ns3 =\n    other = v\n[q]\nk = 1\n"),
        token: "NEW",
        after: "[p]\ns3 =\n    other = v\naws_session_token = NEW\n[q]\nk = 1\n",
    },
    X {
        name: "a plain section before the next one",
        mirrors: "awscli 'test_update_nested_attr_no_prior_nesting'",
        before: Some("[p]\nregion = x\n[q]\nk = 1\n"),
        token: "NEW",
        after: "[p]\nregion = x\naws_session_token = NEW\n[q]\nk = 1\n",
    },
    X {
        name: "an empty section before another",
        mirrors: "awscli 'test_can_handle_empty_section' (both), 'test_set_with_fq_single_dot'",
        before: Some("[p]\n[preview]\nk = true\n"),
        token: "NEW",
        after: "[p]\naws_session_token = NEW\n[preview]\nk = true\n",
    },
    X {
        name: "a new section after a last line without newline",
        mirrors: "awscli 'test_appends_newline_on_new_section'",
        before: Some("[preview]\nk = true"),
        token: "NEW",
        after: "[preview]\nk = true\n\n[p]\naws_session_token = NEW\n",
    },
    X {
        name: "a new section after a nested block",
        mirrors: "awscli 'test_set_with_new_profile'; aws-vault TestAddProfileToExistingNestedConfig",
        before: Some("[default]\n\n[other]\nk=1\ns3=\n  a=1\n  b=2\n"),
        token: "NEW",
        after: "[default]\n\n[other]\nk=1\ns3=\n  a=1\n  b=2\n\n[p]\naws_session_token = NEW\n",
    },
    X {
        name: "writing the same value again changes nothing",
        mirrors: "aws-vault TestIniWithHeaderSavesWithHeader",
        before: Some("[p]\nregion=x\naws_session_token = NEW\n"),
        token: "NEW",
        after: "[p]\nregion=x\naws_session_token = NEW\n",
    },
    X {
        name: "the legacy security token goes",
        mirrors: "botocore cfg/aws_config (aws_security_token); go-ini valid/issue_2281",
        before: Some("[p]\naws_session_token = old\naws_security_token = old\nregion = x\n"),
        token: "NEW",
        after: "[p]\naws_session_token = NEW\nregion = x\n",
    },
    X {
        name: "windows line endings stay",
        mirrors: "profile-parser 'Windows style line endings are supported.'",
        before: Some("[p]\r\nregion = x\r\n"),
        token: "NEW",
        after: "[p]\r\nregion = x\r\naws_session_token = NEW\r\n",
    },
    X {
        name: "the continuation of an old value goes with it",
        mirrors: "go-ini valid/nested_fields",
        before: Some("[p]\naws_session_token = old\n\tmore-old\nregion = x\n"),
        token: "NEW",
        after: "[p]\naws_session_token = NEW\nregion = x\n",
    },
    X {
        name: "a quoted name is another profile",
        mirrors: "awscli 'test_double_quoted_profile_name'",
        before: Some("[\"p\"]\naws_session_token = old\n"),
        token: "NEW",
        after: "[\"p\"]\naws_session_token = old\n\n[p]\naws_session_token = NEW\n",
    },
    X {
        name: "the config-file form is another profile",
        mirrors: "awscli 'test_unquoted_profile_name', 'test_set_with_profile', 'test_set_with_fq_double_dot'",
        before: Some("[profile p]\naws_session_token = old\n"),
        token: "NEW",
        after: "[profile p]\naws_session_token = old\n\n[p]\naws_session_token = NEW\n",
    },
];

/// A write rolehop refuses: the message names the problem (never the value)
/// and the file keeps every byte.
struct F {
    name: &'static str,
    /// The upstream file(s) and case(s) this one mirrors.
    mirrors: &'static str,
    before: &'static [u8],
    profile: &'static str,
    values: &'static [(&'static str, &'static str)],
    force: bool,
    error: &'static str,
}

const TOKEN: &[(&str, &str)] = &[("aws_session_token", "fresh")];
const SESSION: &[(&str, &str)] = &[
    ("aws_access_key_id", "ASIAFRESH"),
    ("aws_secret_access_key", "fresh-secret"),
    ("aws_session_token", "fresh-token"),
];

const REFUSALS: &[F] = &[
    F {
        name: "a profile that takes its credentials from a process",
        mirrors: "go-ini files/aws__credentials__processcreds__testdata__shcred.ini [not_alone]; provider-cases profile-provider/credential_process",
        before: b"[p]\nCredential_Process = /opt/own/bin/creds --json\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\n",
        profile: "p",
        values: SESSION,
        force: true,
        error: "also sets credential_process",
    },
    F {
        name: "a role profile in the credentials file",
        mirrors: "go-v2 gh1204_config + gh1204_credentials; assume-role 'ignore explicit credentials when source profile is specified'",
        before: b"[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n[p]\nrole_arn = arn:aws:iam::111111111111:role/InCredentials\nsource_profile = base\n",
        profile: "p",
        values: SESSION,
        force: false,
        error: "also sets role_arn",
    },
    F {
        name: "a line break in a value",
        mirrors: "awscli 'test_newline_in_value_raises', 'test_set_rejects_newline_in_value', 'test_newline_injection_does_not_write_injected_key_to_file', '..._in_parsed_config'",
        before: b"[p]\naws_session_token = old\n",
        profile: "p",
        values: &[("aws_session_token", "first\nregion = injected")],
        force: true,
        error: "contains a line break",
    },
    F {
        name: "a carriage return in a value",
        mirrors: "awscli 'test_carriage_return_in_value_raises', 'test_set_rejects_carriage_return_in_value'",
        before: b"[p]\naws_session_token = old\n",
        profile: "p",
        values: &[("aws_session_token", "first\rsecond")],
        force: true,
        error: "contains a line break",
    },
    F {
        name: "a line break in a key",
        mirrors: "awscli 'test_newline_in_key_raises'",
        before: b"[p]\n",
        profile: "p",
        values: &[("bad\nkey", "secret-value")],
        force: true,
        error: "invalid key name",
    },
    F {
        name: "a line break in the profile name",
        mirrors: "awscli 'test_newline_in_section_name_raises'",
        before: b"[p]\n",
        profile: "p\nq",
        values: TOKEN,
        force: true,
        error: "line break",
    },
    F {
        name: "an indented line injected through a value",
        mirrors: "awscli 'test_newline_in_nested_value_raises', 'test_set_rejects_newline_in_nested_value'",
        before: b"[p]\n",
        profile: "p",
        values: &[("s3", "\n    signature_version = v4")],
        force: true,
        error: "contains a line break",
    },
    F {
        name: "spaces in the profile name",
        mirrors: "awscli 'test_set_with_profile_spaces', 'test_set_with_profile_spaces_scoped', 'test_profile_with_multiple_spaces'",
        before: b"[profile 'with spaces']\nregion = x\n",
        profile: "with spaces",
        values: TOKEN,
        force: true,
        error: "only letters, digits",
    },
    F {
        name: "quotes in the profile name",
        mirrors: "awscli 'test_double_quoted_profile_name'; botocore cfg/aws_bad_profile",
        before: b"[\"p\"]\nregion = x\n",
        profile: "\"p\"",
        values: TOKEN,
        force: true,
        error: "only letters, digits",
    },
    F {
        name: "an invalid name character",
        mirrors: "profile-parser 'Profile names support alphanumeric characters and - / . % @ _ : +'",
        before: b"",
        profile: "a!b",
        values: TOKEN,
        force: true,
        error: "only letters, digits",
    },
    F {
        name: "a name the SDKs would trim",
        mirrors: "profile-parser 'Profile names should be trimmed.'",
        before: b"[p]\n",
        profile: " p",
        values: TOKEN,
        force: true,
        error: "whitespace",
    },
    F {
        name: "bytes that are not UTF-8",
        mirrors: "botocore cfg/aws_config_badbytes",
        before: b"[p]\naws_session_token = \xc3\x28\xa0\xa1\n\xfe\xff\x80 garbage \x9f\n",
        profile: "p",
        values: TOKEN,
        force: true,
        error: "not valid UTF-8",
    },
    F {
        name: "upper-case long-term keys are long-term keys",
        mirrors: "provider-cases profile_static_keys_case_insensitive",
        before: b"[p]\nAWS_ACCESS_KEY_ID = AKIAMINE\nAWS_SECRET_ACCESS_KEY = mine\n",
        profile: "p",
        values: TOKEN,
        force: false,
        error: "holds long-term access keys",
    },
    F {
        name: "long-term keys in a second copy of the profile",
        mirrors: "profile-parser 'Duplicate profiles in the same file merge properties.'",
        before: b"[p]\nregion = x\n[other]\n[p]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\n",
        profile: "p",
        values: TOKEN,
        force: false,
        error: "holds long-term access keys",
    },
];

// ---------------------------------------------------------------------------
// `import aws-config` against the SDK's credential chain
// ---------------------------------------------------------------------------

/// What the Rust SDK's profile credentials provider does with the profile
/// selected (run for real, STS answered in process: see [`sdk_chain`]).
#[derive(Debug)]
enum Sdk {
    /// Resolves, making these calls in order: role names, `web:` marking
    /// AssumeRoleWithWebIdentity.
    Assumes(&'static [&'static str]),
    /// Fails; the message contains this.
    Fails(&'static str),
    /// A profile without `role_arn` (base credentials, SSO, settings).
    NoRole,
    /// Not a profile to the SDK (a section name it ignores).
    Absent,
}

/// What the import does with the profile (or the section of that name).
#[derive(Debug)]
enum Import {
    /// A bookmark, described as by [`describe`], without a note on its source.
    Bookmark(&'static str),
    /// Listed as skipped; the reason contains this.
    Skipped(&'static str),
    /// A candidate the batch refuses (plan_many); the reason contains this.
    Refused(&'static str),
    /// A bookmark (described as by [`describe`]) with a note containing this.
    Noted(&'static str, &'static str),
    /// Not in the report at all.
    Unlisted,
}
use Import::{Bookmark, Noted, Refused, Skipped, Unlisted};
use Sdk::{Absent, Assumes, Fails, NoRole};

/// A `~/.aws/config` and `~/.aws/credentials` pair. `{token}` stands for a
/// web identity token file that exists.
struct I {
    name: &'static str,
    /// The upstream file(s) and case(s) this one mirrors.
    mirrors: &'static str,
    config: &'static str,
    credentials: &'static str,
    expect: &'static [(&'static str, Sdk, Import)],
}

const KEYS: &str = "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n";
const NO_ROLE: Import = Skipped("no role_arn");

const IMPORTS: &[I] = &[
    I {
        name: "a role from base keys",
        mirrors: "assume-role 'basic test case...'; botocore test_assume_role, test_assume_role_uses_correct_region, TestSTSRegional; provider-cases e2e_assume_role, assume_role_override_*, region_override, retry_on_error, prefer_environment, e2e_fips_and_dual_stack_sts",
        config: "[default]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111111111111:role/Landing\nsource_profile = keys\nsts_regional_endpoints = regional\nendpoint_url = http://sts.invalid\nservices = mine\n\n[services mine]\nsts =\n  endpoint_url = http://sts2.invalid\n\n[profile keys]\nregion = eu-west-1\n\n[profile fips]\nrole_arn = arn:aws:iam::111111111111:role/Fips\nsource_profile = keys\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n",
        credentials: "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\naws_account_id = 999999999999\n",
        expect: &[
            (
                "default",
                Assumes(&["Landing"]),
                Bookmark("source=keys region=eu-west-1"),
            ),
            ("fips", Assumes(&["Fips"]), Bookmark("source=keys")),
            ("keys", NoRole, Skipped("no role_arn (base credentials")),
        ],
    },
    I {
        name: "the role profile's own keys are ignored",
        mirrors: "assume-role 'ignore explicit credentials when source profile is specified'",
        config: "[profile r]\naws_access_key_id = AKIAIGNORED\naws_secret_access_key = x\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = src\n[profile src]\naws_access_key_id = AKIASRC\naws_secret_access_key = y\n",
        credentials: "",
        expect: &[
            ("r", Assumes(&["R"]), Bookmark("source=src")),
            ("src", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "session name, external id, MFA, duration, mixed-case keys",
        mirrors: "assume-role 'load role_session_name ...', 'load external id ...'; go shared_config assume_role_w_mfa; go-v2 with_role_duration, with_mixed_case_keys; aws-vault withMFA",
        config: "[profile tagged]\nRole_Arn = arn:aws:iam::222222222222:role/ops/Tagged\nSource_Profile = keys\nrole_session_name = my-own-session\nexternal_id = ext-4711\nmfa_Serial = arn:aws:iam::111111111111:mfa/me\nDuration_Seconds = 2700\nREGION = eu-central-1 # a comment\n",
        credentials: KEYS,
        expect: &[
            (
                "tagged",
                Assumes(&["Tagged"]),
                Bookmark(
                    "source=keys ext=ext-4711 session=my-own-session mfa=arn:aws:iam::111111111111:mfa/me duration=2700 region=eu-central-1",
                ),
            ),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "a profile that is its own source",
        mirrors: "assume-role 'self referential profile'; botocore test_self_referential_profile, test_infinitely_recursive_assume_role; go-v2 'Assume role with creds' / 'without creds'; aws-vault TestLoadedProfileDoesntReferToItself",
        config: "[profile selfie]\nrole_arn = arn:aws:iam::111111111111:role/Self\nsource_profile = selfie\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n[profile selfie-bare]\nrole_arn = arn:aws:iam::111111111111:role/Bare\nsource_profile = selfie-bare\n",
        credentials: "",
        expect: &[
            (
                "selfie",
                Assumes(&["Self"]),
                Skipped("names the profile itself"),
            ),
            (
                "selfie-bare",
                Fails("the credential provider was not enabled"),
                Skipped("names the profile itself"),
            ),
        ],
    },
    I {
        name: "credential_source",
        mirrors: "assume-role 'Load credentials from a credential_source', 'source profile and credential source both present'; botocore *_credential_source; provider-cases ecs_assume_role, imds_*, profile_overrides_web_identity",
        config: "[profile from-env]\nrole_arn = arn:aws:iam::111111111111:role/FromEnv\ncredential_source = Environment\n[profile from-imds]\nrole_arn = arn:aws:iam::111111111111:role/FromImds\ncredential_source = Ec2InstanceMetadata\n[profile from-ecs]\nrole_arn = arn:aws:iam::111111111111:role/FromEcs\ncredential_source = EcsContainer\n[profile from-nowhere]\nrole_arn = arn:aws:iam::111111111111:role/Nowhere\ncredential_source = SomewhereElse\n[profile both-sources]\nrole_arn = arn:aws:iam::111111111111:role/Both\ncredential_source = Environment\nsource_profile = from-env\n[profile on-imds]\nrole_arn = arn:aws:iam::111111111111:role/OnImds\nsource_profile = from-imds\n",
        credentials: "",
        expect: &[
            (
                "from-env",
                Assumes(&["FromEnv"]),
                Skipped("credential_source = Environment is not supported"),
            ),
            (
                "from-imds",
                Assumes(&["FromImds"]),
                Skipped("credential_source"),
            ),
            (
                "from-ecs",
                Assumes(&["FromEcs"]),
                Skipped("credential_source"),
            ),
            (
                "from-nowhere",
                Fails("SomewhereElse"),
                Skipped("credential_source"),
            ),
            (
                "both-sources",
                Fails("both source_profile and credential_source"),
                Skipped("credential_source"),
            ),
            (
                "on-imds",
                Assumes(&["FromImds", "OnImds"]),
                Refused("via \"from-imds\", which was not imported"),
            ),
        ],
    },
    I {
        name: "role_arn without a source",
        mirrors: "assume-role 'role_arn without source source_profile'; go-v2 partial_assume_role, config_source_shared cred_proc_arn_set",
        config: "[profile lonely]\nrole_arn = arn:aws:iam::111111111111:role/Lonely\n[profile proc-role]\nrole_arn = arn:aws:iam::111111111111:role/ProcRole\ncredential_process = echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCROLE\", \"SecretAccessKey\": \"s\"}'\n",
        credentials: "",
        expect: &[
            (
                "lonely",
                Fails("must contain `source_profile`"),
                Bookmark("standard-chain"),
            ),
            (
                "proc-role",
                Fails("must contain `source_profile`"),
                Bookmark("standard-chain"),
            ),
        ],
    },
    I {
        name: "partial or missing source credentials",
        mirrors: "assume-role 'partial credentials error (missing secret / access key)', 'missing credentials error (empty source profile)', 'profile only contains configuration'; botocore test_misconfigured_source_profile; go-v2 partial credentials; aws-vault TestSourceProfileCanReferToParent",
        config: "[profile on-key-only]\nrole_arn = arn:aws:iam::111111111111:role/K\nsource_profile = key-only\n[profile on-secret-only]\nrole_arn = arn:aws:iam::111111111111:role/S\nsource_profile = secret-only\n[profile on-settings]\nrole_arn = arn:aws:iam::111111111111:role/C\nsource_profile = settings\n[profile settings]\nregion = eu-west-1\nmax_attempts = 3\n[profile key-only]\naws_access_key_id = AKIAKEYONLY\n[profile split]\naws_access_key_id = AKIASPLIT\n[profile on-split]\nrole_arn = arn:aws:iam::111111111111:role/Split\nsource_profile = split\n[profile empty]\n[profile on-empty]\nrole_arn = arn:aws:iam::111111111111:role/E\nsource_profile = empty\n",
        credentials: "[secret-only]\naws_secret_access_key = s\n[split]\naws_secret_access_key = s\n",
        expect: &[
            (
                "on-key-only",
                Fails("missing aws_secret_access_key"),
                Noted(
                    "source=key-only",
                    "no aws_secret_access_key: the AWS SDK refuses it",
                ),
            ),
            (
                "on-secret-only",
                Fails("missing aws_access_key_id"),
                Noted(
                    "source=secret-only",
                    "no aws_access_key_id: the AWS SDK refuses it",
                ),
            ),
            (
                "on-settings",
                Fails("did not contain credential information"),
                Noted("source=settings", "holds no credentials yet"),
            ),
            ("on-split", Assumes(&["Split"]), Bookmark("source=split")),
            ("settings", NoRole, NO_ROLE),
            ("key-only", NoRole, NO_ROLE),
            ("secret-only", NoRole, NO_ROLE),
            ("split", NoRole, NO_ROLE),
            ("empty", NoRole, NO_ROLE),
            (
                "on-empty",
                Fails("did not contain credential information"),
                Noted("source=empty", "holds no credentials yet"),
            ),
        ],
    },
    I {
        name: "a missing source profile",
        mirrors: "assume-role 'missing source profile'; go assume_role_invalid_source_profile; aws-vault TestConfigParsingProfiles",
        config: "[profile orphan]\nrole_arn = arn:aws:iam::111111111111:role/O\nsource_profile = not-there\n",
        credentials: "",
        expect: &[(
            "orphan",
            Fails("could not find source profile"),
            Skipped("does not exist"),
        )],
    },
    I {
        name: "no profiles at all",
        mirrors: "assume-role 'missing root profile'; provider-cases empty_config and the file-less env/IMDS/ECS cases",
        config: "",
        credentials: "",
        expect: &[],
    },
    I {
        name: "a chain of roles",
        mirrors: "assume-role 'multiple chained assume role profiles'; botocore test_recursive_assume_role; go-v2 'Assume role chained with creds'",
        config: "[profile top]\nrole_arn = arn:aws:iam::333333333333:role/Top\nsource_profile = middle\n[profile middle]\nrole_arn = arn:aws:iam::222222222222:role/Middle\nsource_profile = bottom\n[profile bottom]\nrole_arn = arn:aws:iam::111111111111:role/Bottom\nsource_profile = keys\n",
        credentials: KEYS,
        expect: &[
            (
                "top",
                Assumes(&["Bottom", "Middle", "Top"]),
                Bookmark("via=middle"),
            ),
            (
                "middle",
                Assumes(&["Bottom", "Middle"]),
                Bookmark("via=bottom"),
            ),
            ("bottom", Assumes(&["Bottom"]), Bookmark("source=keys")),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "keys in a source win over its other credentials",
        mirrors: "assume-role 'chained assume role profiles with static credentials'; botocore test_recursive_assume_role_stops_at_static_creds; go-v2 gh1204; go assume_sso_and_static, shcred not_alone",
        config: "[profile outer]\nrole_arn = arn:aws:iam::333333333333:role/Outer\nsource_profile = inner\n[profile inner]\nrole_arn = arn:aws:iam::222222222222:role/Inner\nsource_profile = root\n[profile root]\nregion = eu-west-1\n[profile on-sso-keys]\nrole_arn = arn:aws:iam::222222222222:role/OnSsoKeys\nsource_profile = sso-keys\n[profile sso-keys]\nsso_account_id = 111111111111\nsso_role_name = R\nsso_region = eu-west-1\nsso_start_url = https://own-start.example/start\n[profile on-proc-keys]\nrole_arn = arn:aws:iam::222222222222:role/OnProcKeys\nsource_profile = proc-keys\n[profile proc-keys]\ncredential_process = echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCKEYS\", \"SecretAccessKey\": \"s\"}'\n",
        credentials: "[inner]\naws_access_key_id = AKIAINNER\naws_secret_access_key = s\n[root]\naws_access_key_id = AKIAROOT\naws_secret_access_key = s\n[sso-keys]\naws_access_key_id = AKIASSOKEYS\naws_secret_access_key = s\n[proc-keys]\naws_access_key_id = AKIAPROCKEYS\naws_secret_access_key = s\n",
        expect: &[
            (
                "outer",
                Assumes(&["Outer"]),
                Skipped("holds access keys and role_arn"),
            ),
            ("inner", Assumes(&["Inner"]), Bookmark("source=root")),
            ("root", NoRole, NO_ROLE),
            (
                "on-sso-keys",
                Assumes(&["OnSsoKeys"]),
                Skipped("holds access keys and sso_start_url"),
            ),
            ("sso-keys", NoRole, NO_ROLE),
            (
                "on-proc-keys",
                Assumes(&["OnProcKeys"]),
                Skipped("holds access keys and credential_process"),
            ),
            ("proc-keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "source_profile loops",
        mirrors: "assume-role 'assume role profile infinite loop', 'infinite loop with static credentials'",
        config: "[profile ping]\nrole_arn = arn:aws:iam::111111111111:role/Ping\nsource_profile = pong\n[profile pong]\nrole_arn = arn:aws:iam::111111111111:role/Pong\nsource_profile = ping\n[profile ping-keys]\nrole_arn = arn:aws:iam::111111111111:role/PingKeys\nsource_profile = pong-keys\naws_access_key_id = AKIAPINGKEYS\naws_secret_access_key = s\n[profile pong-keys]\nrole_arn = arn:aws:iam::111111111111:role/PongKeys\nsource_profile = ping-keys\n",
        credentials: "",
        expect: &[
            (
                "ping",
                Fails("infinite loop"),
                Refused("which was not imported"),
            ),
            (
                "pong",
                Fails("infinite loop"),
                Refused("which was not imported"),
            ),
            (
                "ping-keys",
                Fails("infinite loop"),
                Refused("via \"pong-keys\", which was not imported"),
            ),
            (
                "pong-keys",
                Assumes(&["PongKeys"]),
                Skipped("holds access keys and role_arn"),
            ),
        ],
    },
    I {
        name: "web identity",
        mirrors: "assume-role 'web identity role' (x2), 'web identity role with session name', 'web identity token as source profile'; botocore test_web_identity_*; provider-cases web_identity_*",
        config: "[profile web]\nrole_arn = arn:aws:iam::111111111111:role/Web\nweb_identity_token_file = {token}\nrole_session_name = web-session\n[profile on-web]\nrole_arn = arn:aws:iam::222222222222:role/OnWeb\nsource_profile = web\n[profile token-only]\nweb_identity_token_file = {token}\n[profile on-token-only]\nrole_arn = arn:aws:iam::222222222222:role/OnTokenOnly\nsource_profile = token-only\n[profile web-and-source]\nrole_arn = arn:aws:iam::111111111111:role/WebAndSource\nweb_identity_token_file = {token}\nsource_profile = keys\n[profile web-and-sso]\nweb_identity_token_file = {token}\nrole_arn = arn:aws:iam::111111111111:role/WebSso\nsso_account_id = 111111111111\nsso_region = eu-west-1\nsso_role_name = R\nsso_start_url = https://own-start.example/start\n",
        credentials: KEYS,
        expect: &[
            (
                "web",
                Assumes(&["web:Web"]),
                Skipped("web_identity_token_file"),
            ),
            (
                "on-web",
                Assumes(&["web:Web", "OnWeb"]),
                Bookmark("source=web"),
            ),
            ("token-only", NoRole, NO_ROLE),
            (
                "on-token-only",
                Fails("`role_arn` was missing"),
                Noted("source=token-only", "no role_arn: the AWS SDK refuses it"),
            ),
            (
                "web-and-source",
                Assumes(&["web:WebAndSource"]),
                Skipped("web_identity_token_file"),
            ),
            (
                "web-and-sso",
                Assumes(&["web:WebSso"]),
                Skipped("web_identity_token_file"),
            ),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "SSO sources",
        mirrors: "assume-role SSO cases; botocore test_sso_source_profile*, SSOSessionTest; go/go-v2 sso_*; aws-vault TestIncludeSsoSession, TestConfigFileResolvedSSOStartURL; provider-cases sso_*, default-token-provider-chain/*",
        config: "[sso-session own-corp]\nsso_region = eu-west-1\nsso_start_url = https://own-corp.example/start\nsso_registration_scopes = sso:account:access\n[profile sso-modern]\nsso_session = own-corp\nsso_account_id = 111111111111\nsso_role_name = Reader\n[profile sso-legacy]\nsso_start_url = https://own-legacy.example/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = Reader\n[profile sso-token-only]\nSSO_SESSION = own-corp\nREGION = eu-west-1\n[profile sso-lost]\nsso_session = nowhere-session\nsso_account_id = 111111111111\nsso_role_name = Reader\n[profile sso-both]\nsso_session = own-corp\nsso_start_url = https://other.example/start\nsso_account_id = 111111111111\nsso_role_name = Reader\n[profile sso-half]\nsso_region = eu-west-1\nsso_role_name = Reader\nsso_start_url = https://own-legacy.example/start\n[profile on-modern]\nrole_arn = arn:aws:iam::222222222222:role/OnModern\nsource_profile = sso-modern\n[profile on-legacy]\nrole_arn = arn:aws:iam::222222222222:role/OnLegacy\nsource_profile = sso-legacy\n[profile on-lost]\nrole_arn = arn:aws:iam::222222222222:role/OnLost\nsource_profile = sso-lost\n[profile on-both]\nrole_arn = arn:aws:iam::222222222222:role/OnBoth\nsource_profile = sso-both\n[profile on-half]\nrole_arn = arn:aws:iam::222222222222:role/OnHalf\nsource_profile = sso-half\n[profile sso-no-role]\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_start_url = https://own-legacy.example/start\n[profile on-no-role]\nrole_arn = arn:aws:iam::222222222222:role/OnNoRole\nsource_profile = sso-no-role\n[profile sso-region-too]\nsso_session = own-corp\nsso_region = eu-west-2\nsso_account_id = 111111111111\nsso_role_name = Reader\n[profile on-region-too]\nrole_arn = arn:aws:iam::222222222222:role/OnRegionToo\nsource_profile = sso-region-too\n",
        credentials: "",
        expect: &[
            // An IAM Identity Center role: a bookmark of [sso.own-corp].
            (
                "sso-modern",
                NoRole,
                Bookmark("sso=own-corp account=111111111111 role=Reader"),
            ),
            ("sso-legacy", NoRole, Skipped("a legacy SSO profile")),
            ("sso-token-only", NoRole, Skipped("no role_arn")),
            (
                "sso-lost",
                NoRole,
                Skipped("no [sso-session nowhere-session]"),
            ),
            (
                "sso-both",
                NoRole,
                Skipped("sso_start_url can only be set in the [sso-session]"),
            ),
            ("sso-half", NoRole, Skipped("an SSO profile")),
            // Not checked ahead: these fail when used, with the SDK's message.
            (
                "on-modern",
                Fails("sso/cache"),
                Bookmark("source=sso-modern"),
            ),
            (
                "on-legacy",
                Fails("sso/cache"),
                Bookmark("source=sso-legacy"),
            ),
            (
                "on-lost",
                Fails("nowhere-session"),
                Bookmark("source=sso-lost"),
            ),
            (
                "on-both",
                Fails("can only be specified in the [sso-session]"),
                Bookmark("source=sso-both"),
            ),
            (
                "on-half",
                Fails("`sso_account_id` must also be set"),
                Bookmark("source=sso-half"),
            ),
            ("sso-no-role", NoRole, Skipped("an SSO profile")),
            (
                "on-no-role",
                Fails("`sso_role_name` must also be set"),
                Bookmark("source=sso-no-role"),
            ),
            (
                "sso-region-too",
                NoRole,
                Skipped("sso_region can only be set in the [sso-session]"),
            ),
            (
                "on-region-too",
                Fails("`sso_region` can only be specified"),
                Bookmark("source=sso-region-too"),
            ),
        ],
    },
    I {
        name: "credential_process sources",
        mirrors: "botocore test_process_source_profile, TestProcessProvider; provider-cases credential_process*; go chained_cred_proc",
        config: "[profile proc]\ncredential_process = echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"s\"}'\n[profile on-proc]\nrole_arn = arn:aws:iam::222222222222:role/OnProc\nsource_profile = proc\n[profile proc-failing]\ncredential_process = false\n[profile on-proc-failing]\nrole_arn = arn:aws:iam::222222222222:role/OnProcFailing\nsource_profile = proc-failing\n[profile proc-with-source]\nsource_profile = keys\ncredential_process = echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCTWO\", \"SecretAccessKey\": \"s\"}'\naws_account_id = 111111111111\n[profile on-proc-with-source]\nrole_arn = arn:aws:iam::222222222222:role/OnProcWithSource\nsource_profile = proc-with-source\n[profile proc-garbage]\ncredential_process = echo 'this is not json'\n[profile on-proc-garbage]\nrole_arn = arn:aws:iam::222222222222:role/OnProcGarbage\nsource_profile = proc-garbage\n",
        credentials: KEYS,
        expect: &[
            ("proc", NoRole, Skipped("no role_arn (base credentials")),
            ("on-proc", Assumes(&["OnProc"]), Bookmark("source=proc")),
            ("proc-failing", NoRole, NO_ROLE),
            (
                "on-proc-failing",
                Fails("exited"),
                Bookmark("source=proc-failing"),
            ),
            ("proc-with-source", NoRole, NO_ROLE),
            (
                "on-proc-with-source",
                Assumes(&["OnProcWithSource"]),
                Bookmark("source=proc-with-source"),
            ),
            ("proc-garbage", NoRole, NO_ROLE),
            (
                "on-proc-garbage",
                Fails("could not parse"),
                Bookmark("source=proc-garbage"),
            ),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "header forms and files merged",
        mirrors: "profile-parser header, prefix and merge cases; go-v2 load_config/load_credentials; botocore cfg/aws_bad_profile; aws-vault [DEFAULT]",
        config: "[default]\nrole_arn = arn:aws:iam::111111111111:role/PlainDefault\nsource_profile = keys\n[profile default]\nrole_arn = arn:aws:iam::111111111111:role/PrefixedDefault\nsource_profile = keys\n[profile\ttabbed]\nrole_arn = arn:aws:iam::111111111111:role/Tabbed\nsource_profile = keys\n[profile    spaced]\nrole_arn = arn:aws:iam::111111111111:role/Spaced\nsource_profile = keys\n[   profile padded   ]\nrole_arn = arn:aws:iam::111111111111:role/Padded\nsource_profile = keys\n[profile \"quoted\"]\nrole_arn = arn:aws:iam::111111111111:role/Quoted\nsource_profile = keys\n[profile two words]\nrole_arn = arn:aws:iam::111111111111:role/TwoWords\nsource_profile = keys\n[profilejoined]\nrole_arn = arn:aws:iam::111111111111:role/Joined\nsource_profile = keys\n[bare]\nrole_arn = arn:aws:iam::111111111111:role/Bare\nsource_profile = keys\n[DEFAULT]\nrole_arn = arn:aws:iam::111111111111:role/UpperDefault\nsource_profile = keys\n[profile]\nregion = eu-west-1\n[profile ]\nregion = eu-west-2\n[sso-sesion typo]\nsso_region = eu-west-1\n[profile dup]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111111111111:role/DupFirst\n[profile dup]\nrole_arn = arn:aws:iam::111111111111:role/DupSecond\nsource_profile = keys\n[profile merged]\nrole_arn = arn:aws:iam::111111111111:role/Merged\nregion = eu-west-1\n",
        credentials: "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n[merged]\nsource_profile = keys\nregion = eu-west-2\n[profile cred-prefixed]\nrole_arn = arn:aws:iam::111111111111:role/CredPrefixed\nsource_profile = keys\n",
        expect: &[
            (
                "default",
                Assumes(&["PrefixedDefault"]),
                Bookmark("source=keys"),
            ),
            ("tabbed", Assumes(&["Tabbed"]), Bookmark("source=keys")),
            ("spaced", Assumes(&["Spaced"]), Bookmark("source=keys")),
            ("padded", Assumes(&["Padded"]), Bookmark("source=keys")),
            ("\"quoted\"", Absent, Skipped("its name is not valid")),
            ("two words", Absent, Skipped("its name is not valid")),
            (
                "profilejoined",
                Absent,
                Skipped("profiles are [profile NAME]"),
            ),
            ("bare", Absent, Skipped("profiles are [profile NAME]")),
            ("DEFAULT", Absent, Skipped("profiles are [profile NAME]")),
            ("profile", Absent, Skipped("profiles are [profile NAME]")),
            (
                "sso-sesion typo",
                Absent,
                Skipped("profiles are [profile NAME]"),
            ),
            (
                "dup",
                Assumes(&["DupSecond"]),
                Bookmark("source=keys region=eu-west-1"),
            ),
            (
                "merged",
                Assumes(&["Merged"]),
                Bookmark("source=keys region=eu-west-2"),
            ),
            ("cred-prefixed", Absent, Unlisted),
            ("profile cred-prefixed", Absent, Unlisted),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "the prefixed default wins when written first",
        mirrors: "profile-parser 'Default profile with profile prefix overrides ... first', 'Default profiles with mixed prefixes ...' (x2); go-v2 'profile prefix overrides default'",
        config: "[profile default]\nrole_arn = arn:aws:iam::111111111111:role/PrefixedFirst\n[default]\nrole_arn = arn:aws:iam::111111111111:role/PlainMiddle\nsource_profile = keys\nregion = eu-west-3\n[profile default]\nsource_profile = keys\n",
        credentials: "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n[default]\nregion = eu-north-1\n",
        expect: &[
            (
                "default",
                Assumes(&["PrefixedFirst"]),
                Bookmark("source=keys region=eu-north-1"),
            ),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "profile names are case-sensitive",
        mirrors: "go-v2 'profile names are case-sensitive' (x3), 'source profile name is case-sensitive'",
        config: "[profile Mixed]\nrole_arn = arn:aws:iam::111111111111:role/MixedCase\nsource_profile = Keys\n[profile mixed]\nrole_arn = arn:aws:iam::111111111111:role/LowerCase\nsource_profile = keys\n[profile on-wrong-case]\nrole_arn = arn:aws:iam::111111111111:role/WrongCase\nsource_profile = KEYS\n",
        credentials: "[Keys]\naws_access_key_id = AKIAUPPERKEYS\naws_secret_access_key = s\n[keys]\naws_access_key_id = AKIALOWERKEYS\naws_secret_access_key = s\n",
        expect: &[
            ("Mixed", Assumes(&["MixedCase"]), Bookmark("source=Keys")),
            ("mixed", Assumes(&["LowerCase"]), Bookmark("source=keys")),
            (
                "on-wrong-case",
                Fails("could not find source profile"),
                Skipped("does not exist"),
            ),
            ("Keys", NoRole, NO_ROLE),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "role ARNs the SDK passes on unchecked",
        mirrors: "botocore test_assume_role_resolves_account_id; go/go-v2 non-ARN role_arn values",
        config: "[profile short-account]\nrole_arn = arn:aws:iam::12345:role/Short\nsource_profile = keys\n[profile not-an-arn]\nrole_arn = just-a-name\nsource_profile = keys\n",
        credentials: KEYS,
        expect: &[
            (
                "short-account",
                Assumes(&["Short"]),
                Skipped("must be 12 digits"),
            ),
            (
                "not-an-arn",
                Assumes(&["just-a-name"]),
                Skipped("is not an IAM role ARN"),
            ),
            ("keys", NoRole, NO_ROLE),
        ],
    },
    I {
        name: "settings-only profiles and include_profile",
        mirrors: "aws-vault TestIncludeProfile, TestSessionTaggingFromEnvironmentChainedRoles; provider-cases ecs_credentials_invalid_profile; go shared_config endpoint/dual-stack profiles",
        config: "[profile settings-only]\nregion = eu-west-1\nendpoint_url = https://localhost:4443\nuse_dualstack_endpoint = true\nec2_metadata_service_endpoint_mode = IPv6\n[profile includes]\ninclude_profile = role-holder\n[profile role-holder]\nrole_arn = arn:aws:iam::111111111111:role/Holder\nsource_profile = keys\n[profile source-no-role]\nsource_profile = keys\nsession_tags = a=1\n",
        credentials: KEYS,
        expect: &[
            ("settings-only", NoRole, NO_ROLE),
            ("includes", NoRole, NO_ROLE),
            ("role-holder", Assumes(&["Holder"]), Bookmark("source=keys")),
            ("source-no-role", NoRole, NO_ROLE),
            ("keys", NoRole, NO_ROLE),
        ],
    },
];

/// Config files the SDK refuses as a whole: the import fails with its reason.
/// (name, mirrors, config text)
const REFUSED_CONFIGS: &[(&str, &str, &str)] = &[
    (
        "a config with an empty key",
        "provider-cases profile-provider/invalid_config; profile-parser 'Property key cannot be empty.'",
        "[default]\n= eu-west-1\n\n[profile other]\nregion = eu-west-1\n",
    ),
    (
        "a config with an indented header",
        "go-v2 leading_ws, leading_ws_trailing_nl",
        "\t[profile indented]\n  retry_mode = standard\n",
    ),
    (
        "a config with a key before any profile",
        "profile-parser 'Properties must be defined in a profile.'; botocore cfg/aws_config_bad",
        "region = eu-west-1\n[profile p]\nregion = eu-west-1\n",
    ),
];

// ---------------------------------------------------------------------------
// The SDKs' views
// ---------------------------------------------------------------------------

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn files(config: &str, credentials: &str) -> EnvConfigFiles {
    EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Config, config)
        .with_contents(EnvConfigFileKind::Credentials, credentials)
        .build()
}

/// The Rust SDK's parse of the two files; Err when it refuses them.
fn sdk_profiles(
    config: &str,
    credentials: &str,
) -> Result<aws_config::profile::ProfileSet, String> {
    let fs = aws_types::os_shim_internal::Fs::from_slice(&[]);
    let env = aws_types::os_shim_internal::Env::from_slice(&[]);
    runtime()
        .block_on(aws_config::profile::load(
            &fs,
            &env,
            &files(config, credentials),
            None,
        ))
        .map_err(|e| DisplayErrorContext(&e).to_string())
}

/// Top-level key names (lowercased) of each section, by a plain scan.
fn keys_by_profile(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix('[') {
            current = rest.split(']').next().map(|n| n.trim().to_owned());
            continue;
        }
        if line.starts_with([' ', '\t', '#', ';']) {
            continue;
        }
        if let (Some(c), Some((k, _))) = (&current, line.split_once('=')) {
            out.entry(c.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase());
        }
    }
    out
}

type View = BTreeMap<String, BTreeMap<String, Option<String>>>;

/// The Rust SDK's view of a credentials file: profile -> key -> value, for
/// the keys the file has and the ones written; None when it refuses the file.
fn sdk_view(text: &str, keys: &BTreeMap<String, BTreeSet<String>>) -> Option<View> {
    let set = sdk_profiles("", text).ok()?;
    let mut out = BTreeMap::new();
    for name in set.profiles() {
        let p = set.get_profile(name).unwrap();
        let written = WRITTEN.iter().map(|(k, _)| k.to_string());
        let values = keys
            .get(name)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .chain(written)
            .chain([REMOVED.to_owned()])
            .map(|k| {
                let v = p.get(&k).map(str::to_owned);
                (k, v)
            })
            .collect();
        out.insert(name.to_owned(), values);
    }
    Some(out)
}

/// botocore's view (its own INI reader, `raw_config_parse` with nested
/// sections) of each file, in one Python run: the sections, or None when it
/// refuses the file.
fn botocore_views(paths: &[PathBuf]) -> Vec<Option<serde_json::Value>> {
    const SCRIPT: &str = "import json, sys
from botocore.configloader import raw_config_parse
from botocore.exceptions import ConfigParseError
out = []
for path in json.load(sys.stdin):
    try:
        out.append(raw_config_parse(path, parse_subsections=True))
    except ConfigParseError:
        out.append(None)
print(json.dumps(out))
";
    use std::io::Write;
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let mut child = std::process::Command::new(py)
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run botocore (scripts/test-deps installs it)");
    let input = serde_json::to_vec(paths).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let views: Vec<Option<serde_json::Value>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(views.len(), paths.len());
    views
}

/// The text without the sections named `p` (what must not change).
fn outside(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut keep = true;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix('[') {
            keep = rest.split(']').next().map(str::trim) != Some("p");
            out.push(String::new());
        }
        if keep && let Some(last) = out.last_mut() {
            last.push_str(line);
        }
    }
    out.into_iter()
        .map(|s| s.trim_end_matches(['\r', '\n']).to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// What [`sdk_chain`] gives: the STS calls and the final access key id, or
/// the SDK's error.
type Chain = Result<(Vec<Call>, String), String>;

/// One STS call the SDK made: what, for which role, signed with which key.
#[derive(Debug, Clone)]
struct Call {
    action: String,
    role_arn: String,
    /// The access key id that signed it (empty for web identity: unsigned).
    signer: String,
    external_id: Option<String>,
    session_name: Option<String>,
}

impl Call {
    /// `Name` for AssumeRole, `web:Name` for AssumeRoleWithWebIdentity.
    fn label(&self) -> String {
        let name = role_name(&self.role_arn);
        if self.action == "AssumeRoleWithWebIdentity" {
            format!("web:{name}")
        } else {
            name.to_owned()
        }
    }

    /// What must agree between the SDK and rolehop (session names are the
    /// SDK's own invention when the profile sets none; checked apart).
    fn key(&self) -> (String, String, String, Option<String>) {
        let c = self.clone();
        (c.action, c.role_arn, c.signer, c.external_id)
    }
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The access key id of credentials STS returns for `role_arn`, so the next
/// call shows whose credentials signed it.
fn key_for(role_arn: &str) -> String {
    format!("from-{}", role_name(role_arn))
}

/// The Rust SDK's profile credentials provider with `profile` selected, for
/// real, with STS answered in process and the named sources of
/// `credential_source` (Environment, Ec2InstanceMetadata, EcsContainer)
/// stubbed: the STS calls it made and the access key id it ended with, or
/// its error.
fn sdk_chain(config: &str, credentials: &str, profile: &str) -> Chain {
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let seen = calls.clone();
    let http = aws_smithy_http_client::test_util::infallible_client_fn(move |req| {
        let body = String::from_utf8_lossy(req.body().bytes().unwrap_or_default()).into_owned();
        let form: HashMap<String, String> = body
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| {
                let v = percent_encoding::percent_decode_str(&v.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned();
                (k.to_owned(), v)
            })
            .collect();
        let signer = req
            .headers()
            .get("authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.split("Credential=").nth(1))
            .and_then(|c| c.split('/').next())
            .unwrap_or_default()
            .to_owned();
        let call = Call {
            action: form.get("Action").cloned().unwrap_or_default(),
            role_arn: form.get("RoleArn").cloned().unwrap_or_default(),
            signer,
            external_id: form.get("ExternalId").cloned(),
            session_name: form.get("RoleSessionName").cloned(),
        };
        let (action, key) = (call.action.clone(), key_for(&call.role_arn));
        seen.lock().unwrap().push(call);
        let xml = format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
             <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\
             <Arn>arn:aws:sts::111111111111:assumed-role/x/s</Arn></AssumedRoleUser>\
             <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
             <SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
             </{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        );
        hyper::Response::builder().status(200).body(xml).unwrap()
    });
    let conf = ProviderConfig::without_region()
        .with_region(Some(aws_types::region::Region::new("us-east-1")))
        .with_http_client(http);
    let named = |key: &str| Credentials::new(key, "secret", None, None, "stub");
    let provider = ProfileFileCredentialsProvider::builder()
        .configure(&conf)
        .profile_files(files(config, credentials))
        .profile_name(profile)
        .with_custom_provider("Environment", named("AKIDENV"))
        .with_custom_provider("Ec2InstanceMetadata", named("AKIDIMDS"))
        .with_custom_provider("EcsContainer", named("AKIDECS"))
        .build();
    let result = runtime().block_on(provider.provide_credentials());
    let calls = calls.lock().unwrap().clone();
    match result {
        Ok(creds) => Ok((calls, creds.access_key_id().to_owned())),
        Err(e) => Err(DisplayErrorContext(&e).to_string()),
    }
}

/// A bookmark in a few words: where its base credentials come from, and
/// the fields that differ from the defaults.
fn describe(e: &Entry) -> String {
    let mut parts = vec![
        match (&e.extras.via, &e.spec.source_profile, &e.extras.sso) {
            (Some(v), _, _) => format!("via={v}"),
            (None, Some(s), _) => format!("source={s}"),
            (None, None, Some(i)) => {
                format!("sso={i} account={} role={}", e.spec.account, e.spec.role)
            }
            (None, None, None) => "standard-chain".to_owned(),
        },
    ];
    let s = &e.spec;
    for (k, v) in [
        ("ext", &s.external_id),
        ("session", &s.session_name),
        ("mfa", &s.mfa_serial),
        ("duration", &s.duration),
        ("region", &s.region),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={v}"));
        }
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[test]
fn writing_a_profile_keeps_every_other_profile_as_the_sdks_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..WRITES.len())
        .map(|i| dir.path().join(format!("credentials-{i}")))
        .collect();
    for (w, path) in WRITES.iter().zip(&paths) {
        std::fs::write(path, w.text).unwrap();
    }
    let botocore_before = botocore_views(&paths);
    let mut rust_before = Vec::new();
    for (w, path) in WRITES.iter().zip(&paths) {
        rust_before.push(sdk_view(w.text, &keys_by_profile(w.text)));
        write_profile(path, "p", &WRITTEN, &[REMOVED], true)
            .unwrap_or_else(|e| panic!("{}: {e}", w.name));
    }
    let botocore_after = botocore_views(&paths);
    let mut failures = Vec::new();
    for (i, w) in WRITES.iter().enumerate() {
        let case = format!("{} ({})", w.name, w.mirrors);
        let mut fail = |what: String| failures.push(format!("{case}: {what}"));
        let after_text = std::fs::read_to_string(&paths[i]).unwrap();
        let keys = keys_by_profile(w.text);
        let after = sdk_view(&after_text, &keys);
        let (before, b_before, b_after) =
            (&rust_before[i], &botocore_before[i], &botocore_after[i]);
        let readers = match (before.is_some(), b_before.is_some()) {
            (true, true) => Both,
            (true, false) => RustOnly,
            (false, true) => BotocoreOnly,
            (false, false) => Neither,
        };
        if readers != w.readers {
            fail(format!("read by {readers:?}, expected {:?}", w.readers));
        }
        // A file an SDK refused stays refused (rolehop does not repair the
        // user's file); one it read, it still reads.
        if after.is_some() != before.is_some() {
            fail("the Rust SDK's verdict changed".into());
        }
        if b_after.is_some() != b_before.is_some() {
            fail(format!("botocore's verdict changed:\n{after_text}"));
        }
        if outside(&after_text) != outside(w.text) {
            fail(format!("bytes outside [p] changed:\n{after_text}"));
        }
        if let (Some(before), Some(after)) = (before, &after) {
            let others = |v: &View| v.keys().filter(|n| *n != "p").cloned().collect::<Vec<_>>();
            if others(after) != others(before) {
                fail(format!(
                    "other profiles {:?} became {:?}",
                    others(before),
                    others(after)
                ));
            }
            for (name, values) in before.iter().filter(|(n, _)| *n != "p") {
                if after.get(name) != Some(values) {
                    fail(format!(
                        "Rust SDK, profile {name}: {values:?} became {:?}",
                        after.get(name)
                    ));
                }
            }
            for (k, v) in WRITTEN {
                if after["p"][k].as_deref() != Some(v) {
                    fail(format!(
                        "Rust SDK reads {k} = {:?}\n{after_text}",
                        after["p"][k]
                    ));
                }
            }
            if after["p"][REMOVED].is_some() {
                fail(format!("Rust SDK still reads {REMOVED}"));
            }
        }
        if let (Some(b), Some(a)) = (b_before, b_after) {
            let others = |v: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
                v.as_object()
                    .unwrap()
                    .iter()
                    .filter(|(n, _)| n.trim() != "p")
                    .map(|(n, s)| (n.clone(), s.clone()))
                    .collect()
            };
            if others(a) != others(b) {
                fail(format!(
                    "botocore: other sections {:?} became {:?}",
                    others(b),
                    others(a)
                ));
            }
            for (k, v) in WRITTEN {
                if a["p"][k] != v {
                    fail(format!("botocore reads {k} = {}\n{after_text}", a["p"][k]));
                }
            }
            if !a["p"][REMOVED].is_null() {
                fail(format!("botocore still reads {REMOVED}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn writes_land_where_the_aws_cli_would_put_them() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..EXACT.len())
        .map(|i| dir.path().join(format!("exact-{i}")))
        .collect();
    let mut failures = Vec::new();
    for (x, path) in EXACT.iter().zip(&paths) {
        let name = format!("{} ({})", x.name, x.mirrors);
        if let Some(before) = x.before {
            std::fs::write(path, before).unwrap();
        }
        write_profile(
            path,
            "p",
            &[("aws_session_token", x.token)],
            &[REMOVED],
            true,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", x.name));
        let after = std::fs::read_to_string(path).unwrap();
        if after != x.after {
            failures.push(format!("{name}:\n{after:?}\nexpected\n{:?}", x.after));
        }
        let set = sdk_profiles("", &after).unwrap_or_else(|e| panic!("{}: {e}", x.name));
        let read = set
            .get_profile("p")
            .and_then(|p| p.get("aws_session_token"));
        if read != Some(x.token) {
            failures.push(format!("{name}: the Rust SDK reads {read:?}"));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            if mode != 0o600 {
                failures.push(format!("{name}: mode {mode:o}"));
            }
        }
    }
    for (x, view) in EXACT.iter().zip(botocore_views(&paths)) {
        let read = view.as_ref().map(|v| v["p"]["aws_session_token"].clone());
        if read != Some(serde_json::json!(x.token)) {
            failures.push(format!("{}: botocore reads {read:?}", x.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refused_writes_leave_the_file_alone_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, f) in REFUSALS.iter().enumerate() {
        let path = dir.path().join(format!("refused-{i}"));
        std::fs::write(&path, f.before).unwrap();
        let mut fail = |what: String| failures.push(format!("{} ({}): {what}", f.name, f.mirrors));
        match write_profile(&path, f.profile, f.values, &[REMOVED], f.force) {
            Ok(outcome) => fail(format!("written ({outcome:?})")),
            Err(e) => {
                let msg = e.to_string();
                if !msg.contains(f.error) {
                    fail(format!("{msg:?} does not say {:?}", f.error));
                }
                if let Some((_, v)) = f.values.iter().find(|(_, v)| msg.contains(v)) {
                    fail(format!("{msg:?} shows the value {v:?}"));
                }
            }
        }
        if std::fs::read(&path).unwrap() != f.before {
            fail("the file changed".into());
        }
        // The advisory check run before STS refuses the same files.
        if !f.force && rolehop_files::credentials::check_writable(&path, f.profile).is_ok() {
            fail("check_writable lets it through".into());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// rolehop's calls for an imported bookmark: its source profile's chain as
/// the SDK resolves it on its own (what rolehop asks the SDK for), then one
/// AssumeRole per bookmark from the `via` root down. None: no source, the
/// standard chain.
fn rolehop_calls(
    entries: &[Entry],
    entry: &Entry,
    set: &aws_config::profile::ProfileSet,
    chain: &mut dyn FnMut(&str) -> Chain,
) -> Option<Result<Vec<Call>, String>> {
    let mut path = vec![entry];
    while let Some(via) = path.last().unwrap().extras.via.as_deref() {
        path.push(
            entries
                .iter()
                .find(|e| e.spec.name == via)
                .expect("via target"),
        );
        assert!(path.len() < 16, "a via loop was imported");
    }
    path.reverse();
    let base = chain(path[0].spec.source_profile.as_deref()?);
    Some(base.map(|(mut calls, mut key)| {
        for e in path {
            let arn = set.get_profile(&e.from).unwrap().get("role_arn").unwrap();
            calls.push(Call {
                action: "AssumeRole".into(),
                role_arn: arn.to_owned(),
                signer: key,
                external_id: e.spec.external_id.clone(),
                session_name: e.spec.session_name.clone(),
            });
            key = key_for(arn);
        }
        calls
    }))
}

#[test]
fn import_takes_the_role_profiles_the_sdk_resolves_and_assumes_as_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("web-identity-token");
    std::fs::write(&token, "own-test-token").unwrap();
    let token = token.to_str().unwrap();
    let mut failures = Vec::new();
    for case in IMPORTS {
        let config = case.config.replace("{token}", token);
        let credentials = case.credentials.replace("{token}", token);
        let mut fail =
            |what: String| failures.push(format!("{} ({}): {what}", case.name, case.mirrors));
        let set =
            sdk_profiles(&config, &credentials).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let headers = import::headers(&config);
        let mut parsed = import::from_profiles(&set, &import::section_order(&headers));
        parsed.skipped.extend(import::dropped(&set, &headers));
        let pairs: Vec<_> = parsed
            .entries
            .iter()
            .map(|e| (e.spec.clone(), e.extras.clone()))
            .collect();
        let plan = plan_many(&[], &pairs, false);

        // Every profile and every reported section has its expectation.
        let listed: BTreeSet<&str> = case.expect.iter().map(|(n, ..)| *n).collect();
        let reported = parsed
            .entries
            .iter()
            .map(|e| e.from.as_str())
            .chain(parsed.skipped.iter().map(|s| s.from.as_str()));
        for n in set.profiles().chain(reported) {
            if !listed.contains(n) {
                fail(format!("{n:?} has no expectation"));
            }
        }

        let mut memo: HashMap<String, Chain> = HashMap::new();
        let mut chain = |name: &str| {
            memo.entry(name.to_owned())
                .or_insert_with(|| sdk_chain(&config, &credentials, name))
                .clone()
        };
        for (name, sdk, expected) in case.expect {
            let profile = set.get_profile(name);
            match (sdk, profile) {
                (Absent, None) => {}
                (Absent, Some(_)) => fail(format!("{name}: the SDK has this profile")),
                (_, None) => fail(format!("{name}: the SDK has no such profile")),
                (NoRole, Some(p)) if p.get("role_arn").is_none() => {}
                (NoRole, Some(_)) => fail(format!("{name}: has a role_arn")),
                (Assumes(roles), Some(_)) => match chain(name) {
                    Ok((calls, _)) => {
                        let labels: Vec<String> = calls.iter().map(Call::label).collect();
                        if labels != *roles {
                            fail(format!(
                                "{name}: the SDK assumes {labels:?}, expected {roles:?}"
                            ));
                        }
                    }
                    Err(e) => fail(format!("{name}: the SDK fails: {e}")),
                },
                (Fails(what), Some(_)) => match chain(name) {
                    Err(e) if e.contains(what) => {}
                    other => fail(format!(
                        "{name}: the SDK gives {other:?}, expected an error with {what:?}"
                    )),
                },
            }

            let at = parsed.entries.iter().position(|e| e.from == *name);
            let reason = parsed
                .skipped
                .iter()
                .find(|s| s.from == *name)
                .map(|s| s.reason.clone());
            let actual = match (at, &reason) {
                (Some(i), _) if plan[i].writes() => {
                    format!("Bookmark({})", describe(&parsed.entries[i]))
                }
                (Some(i), _) => match &plan[i] {
                    Outcome::Invalid(why) => format!("Refused({why})"),
                    other => format!("Refused({other:?})"),
                },
                (None, Some(r)) => format!("Skipped({r})"),
                (None, None) => "Unlisted".to_owned(),
            };
            let notes = at
                .map(|i| parsed.entries[i].notes.join("; "))
                .unwrap_or_default();
            let matches = match expected {
                Bookmark(d) => {
                    actual == format!("Bookmark({d})") && !notes.contains("the AWS SDK refuses")
                }
                Noted(d, n) => actual == format!("Bookmark({d})") && notes.contains(n),
                Skipped(r) => actual.starts_with("Skipped(") && actual.contains(r),
                Refused(r) => actual.starts_with("Refused(") && actual.contains(r),
                Unlisted => actual == "Unlisted",
            };
            if !matches {
                fail(format!(
                    "{name}: imported as {actual} (notes: {notes:?}), expected {expected:?}"
                ));
            }

            // An imported bookmark makes the SDK's calls, with the same keys.
            let Some(i) = at.filter(|&i| plan[i].writes()) else {
                continue;
            };
            let entry = &parsed.entries[i];
            // An IAM Identity Center role makes no STS call: its credentials
            // are the portal's (tests/it/sso.rs runs it against boto3 too).
            if entry.extras.sso.is_some() {
                continue;
            }
            match (
                rolehop_calls(&parsed.entries, entry, &set, &mut chain),
                chain(name),
            ) {
                (None, Err(e)) if e.contains("source_profile") => {
                    // The one deliberate difference: rolehop assumes such a
                    // role from the standard chain, and says so.
                    if !entry.notes.iter().any(|n| n.contains("standard chain")) {
                        fail(format!("{name}: no note on the standard chain"));
                    }
                }
                (Some(Ok(ours)), Ok((theirs, _))) => {
                    let keys = |c: &[Call]| c.iter().map(Call::key).collect::<Vec<_>>();
                    if keys(&ours) != keys(&theirs) {
                        fail(format!(
                            "{name}: rolehop calls {ours:#?}\nthe SDK {theirs:#?}"
                        ));
                    }
                    for (o, t) in ours.iter().zip(&theirs) {
                        if o.session_name.is_some() && o.session_name != t.session_name {
                            fail(format!(
                                "{name}: session name {:?}, SDK {:?}",
                                o.session_name, t.session_name
                            ));
                        }
                    }
                }
                (Some(Err(_)), Err(_)) => {}
                (ours, theirs) => fail(format!("{name}: rolehop {ours:?}, the SDK {theirs:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn import_refuses_a_config_file_the_sdk_refuses() {
    let dir = tempfile::tempdir().unwrap();
    for (name, mirrors, text) in REFUSED_CONFIGS {
        let name = format!("{name} ({mirrors})");
        assert!(sdk_profiles(text, "").is_err(), "{name}: the SDK reads it");
        let path = dir.path().join("config");
        std::fs::write(&path, text).unwrap();
        match import::read(Some(&path), false) {
            Ok(p) => panic!("{name}: imported {p:?}"),
            Err(e) => assert!(
                e.to_string().contains("cannot read the AWS config"),
                "{name}: {e}"
            ),
        }
    }
}

/// Every case is in tests/CONFORMANCE.md's table, and the table names only
/// cases that exist.
#[test]
fn coverage_table_names_real_cases() {
    let names: Vec<&str> = WRITES
        .iter()
        .map(|w| w.name)
        .chain(EXACT.iter().map(|x| x.name))
        .chain(REFUSALS.iter().map(|f| f.name))
        .chain(IMPORTS.iter().map(|i| i.name))
        .chain(REFUSED_CONFIGS.iter().map(|(n, ..)| *n))
        .collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "case names are unique");
    let mut used = BTreeSet::new();
    let mut unknown = Vec::new();
    for line in include_str!("../CONFORMANCE.md").lines() {
        let cells: Vec<&str> = line.split('|').collect();
        if !line.starts_with('|') || cells.len() < 4 {
            continue;
        }
        // The last column names our cases, each in backticks.
        let own = cells[cells.len() - 2];
        for name in own.split('`').skip(1).step_by(2) {
            if unique.contains(name) {
                used.insert(name);
            } else {
                unknown.push(name);
            }
        }
    }
    let missing: Vec<_> = unique.difference(&used).collect();
    assert!(unknown.is_empty(), "not cases: {unknown:?}");
    assert!(missing.is_empty(), "not in the table: {missing:?}");
}
