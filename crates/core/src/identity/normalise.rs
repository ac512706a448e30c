//! Normalisers: one canonical spelling per identity value, so that `Ada.Lovelace+promo@X.com`
//! and `ada.lovelace@x.com`, or `+44 20 123 4567` and `020 123 4567`, compare equal.
//!
//! Each returns `None` for a value that carries no identity (empty, punctuation only, an email
//! without `@`): such a value is missing, and a missing value neither supports nor refutes a
//! link.

/// How email addresses are normalised beyond case and surrounding space. Shown to the user as
/// an explicit setting because both rules can merge addresses a provider treats as different.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EmailRules {
    /// Drop a `+tag` from the local part (`ada+promo@x.com` → `ada@x.com`), for every domain:
    /// most providers deliver sub-addressed mail to the same mailbox.
    pub strip_plus_tags: bool,
    /// Drop dots from the local part of Gmail addresses (`a.da@gmail.com` → `ada@gmail.com`),
    /// and read `googlemail.com` as `gmail.com`.
    pub gmail_dots: bool,
}

impl Default for EmailRules {
    fn default() -> EmailRules {
        EmailRules {
            strip_plus_tags: true,
            gmail_dots: true,
        }
    }
}

/// Lower-cased, trimmed, with the provider rules applied; `None` unless it has a local part,
/// one `@` and a domain.
pub fn email(raw: &str, rules: EmailRules) -> Option<String> {
    let lower = raw.trim().to_lowercase();
    let lower = lower
        .strip_prefix("mailto:")
        .unwrap_or(&lower)
        .trim_matches(['<', '>', '"', '\'', ' ']);
    let (local, domain) = lower.rsplit_once('@')?;
    let mut local = local.trim().to_owned();
    let mut domain = domain.trim().trim_end_matches('.').to_owned();
    if local.is_empty() || domain.is_empty() || local.contains('@') || local.contains(' ') {
        return None;
    }
    if rules.strip_plus_tags {
        if let Some((base, _tag)) = local.split_once('+') {
            if !base.is_empty() {
                local = base.to_owned();
            }
        }
    }
    if rules.gmail_dots && (domain == "gmail.com" || domain == "googlemail.com") {
        domain = "gmail.com".to_owned();
        local.retain(|c| c != '.');
    }
    Some(format!("{local}@{domain}"))
}

/// A phone number as E.164 digits without the `+`: `+44 20 1234 5678` → `442012345678`; a
/// national number (leading `0`) gets `default_country_code`; `00` is the international prefix.
/// `None` for fewer than 6 digits.
pub fn phone(raw: &str, default_country_code: &str) -> Option<String> {
    let trimmed = raw.trim();
    // Extensions are not part of the line: `… ext. 12`, `… x12`.
    let main = trimmed
        .split(['x', 'X', '#', ';'])
        .next()
        .unwrap_or(trimmed);
    let international = main.trim_start().starts_with('+');
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return None;
    }
    let e164 = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("{default_country_code}{rest}")
    } else if digits.len() <= 10 {
        // A national number written without its trunk `0` (common in the US and in registers).
        format!("{default_country_code}{digits}")
    } else {
        digits
    };
    Some(e164)
}

/// The part of a phone number compared between records: its last nine digits (the subscriber
/// number in most numbering plans), so that a number dialled at home matches the same number
/// written internationally whatever the country code, and an unknown country does not matter.
pub fn phone_key(e164: &str) -> &str {
    let start = e164.len().saturating_sub(9);
    e164.get(start..).unwrap_or(e164)
}

/// A social handle without case or its leading `@` (or a profile URL's path): `@Ada_L` → `ada_l`.
pub fn handle(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let last = trimmed
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(trimmed);
    let bare = last.trim_start_matches('@').to_lowercase();
    (!bare.is_empty() && !bare.contains(' ')).then_some(bare)
}

/// An identifier (customer id, account number, social security number): case and separators
/// (space, `-`, `.`, `/`) do not count; `C-000 123` → `c000123`.
pub fn identifier(raw: &str) -> Option<String> {
    let kept: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    (!kept.is_empty()).then_some(kept)
}

/// Text for names, streets and places: accents folded (`Zoë` → `zoe`, `Straße` → `strasse`),
/// lower case, every run of non-alphanumerics one space, trimmed.
pub fn text(raw: &str) -> Option<String> {
    if raw.is_ascii() {
        ascii_text(raw)
    } else {
        unicode_text(raw)
    }
}

fn unicode_text(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            push_folded(&mut out, c);
        } else {
            space = true;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// [`text`] of ASCII, a byte at a time (most identity data is ASCII, and folding goes char by
/// char through Unicode's tables).
fn ascii_text(raw: &str) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut space = false;
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(b' ');
            }
            space = false;
            out.push(b.to_ascii_lowercase());
        } else {
            space = true;
        }
    }
    // Only ASCII bytes were pushed.
    String::from_utf8(out).ok().filter(|out| !out.is_empty())
}

/// A name part: [`text`] without spaces, so `Mc Donald` and `McDonald` agree.
pub fn name(raw: &str) -> Option<String> {
    let mut out = text(raw)?;
    out.retain(|c| c != ' ');
    (!out.is_empty()).then_some(out)
}

/// A postcode: alphanumerics only, upper case, leading zeros dropped (a postcode read as a
/// number has lost them: `02000` and `2000` must agree).
pub fn postcode(raw: &str) -> Option<String> {
    let kept: String = raw
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let trimmed = kept.trim_start_matches('0');
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A birth date as `yyyymmdd`, from `19560807` (as text or a number), `1956-08-07`,
/// `07/08/1956` (day first, as in Europe and Australia) or `1956/08/07`. `None` for anything
/// else, for impossible months and days, and for years outside 1850-2100.
pub fn birth_date(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    // `19560807`, the common case, without splitting.
    if trimmed.len() == 8 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let number = |range: std::ops::Range<usize>| trimmed.get(range)?.parse::<u32>().ok();
        let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
        return ((1850..=2100).contains(&year)
            && (1..=12).contains(&month)
            && (1..=31).contains(&day))
        .then(|| trimmed.to_owned());
    }
    let trimmed = trimmed.split(['T', ' ']).next().unwrap_or(trimmed);
    let parts: Vec<&str> = trimmed
        .split(['-', '/', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let (year, month, day) = match parts.as_slice() {
        [whole] if whole.len() == 8 && whole.bytes().all(|b| b.is_ascii_digit()) => (
            whole.get(0..4)?.parse::<u32>().ok()?,
            whole.get(4..6)?.parse::<u32>().ok()?,
            whole.get(6..8)?.parse::<u32>().ok()?,
        ),
        [a, b, c] if a.len() == 4 => (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?),
        [a, b, c] if c.len() == 4 => (c.parse().ok()?, b.parse().ok()?, a.parse().ok()?),
        _ => return None,
    };
    ((1850..=2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{year:04}{month:02}{day:02}"))
}

/// Appends `c` lower-cased with its accent removed (Latin letters; others are kept as they are).
fn push_folded(out: &mut String, c: char) {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā'
        | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => {
            "e"
        }
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "i",
        'ł' | 'ľ' | 'Ł' | 'Ľ' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō'
        | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'Ť' | 'Ţ' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => {
            "u"
        }
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(folded);
}

/// Common English nicknames and the given name they stand for (`bob` → `robert`), for the
/// optional nickname rule ([`crate::identity::ResolveParams::nicknames`]).
/// Common English nicknames and the given names they stand for (`bob` → `robert`), for the
/// optional nickname rule ([`crate::identity::ResolveParams::nicknames`]). A nickname may stand
/// for several names (`alex`: alexander or alexandra); [`formal_name`] gives the first.
const NICKNAMES: &[(&str, &str)] = &[
    ("abby", "abigail"),
    ("abe", "abraham"),
    ("al", "albert"),
    ("al", "alan"),
    ("al", "alfred"),
    ("alex", "alexander"),
    ("alex", "alexandra"),
    ("alf", "alfred"),
    ("alfie", "alfred"),
    ("ali", "alison"),
    ("allie", "alison"),
    ("andy", "andrew"),
    ("angie", "angela"),
    ("annie", "anne"),
    ("archie", "archibald"),
    ("art", "arthur"),
    ("artie", "arthur"),
    ("barb", "barbara"),
    ("barbie", "barbara"),
    ("bart", "bartholomew"),
    ("becca", "rebecca"),
    ("becky", "rebecca"),
    ("bea", "beatrice"),
    ("bella", "isabella"),
    ("belle", "isabel"),
    ("ben", "benjamin"),
    ("benny", "benjamin"),
    ("bernie", "bernard"),
    ("bert", "albert"),
    ("bert", "herbert"),
    ("bertie", "albert"),
    ("beth", "elizabeth"),
    ("betsy", "elizabeth"),
    ("betty", "elizabeth"),
    ("bill", "william"),
    ("billy", "william"),
    ("bob", "robert"),
    ("bobby", "robert"),
    ("brad", "bradley"),
    ("bridie", "bridget"),
    ("cal", "calvin"),
    ("cam", "cameron"),
    ("carrie", "caroline"),
    ("cass", "cassandra"),
    ("cath", "catherine"),
    ("cathy", "catherine"),
    ("charlie", "charles"),
    ("charlie", "charlotte"),
    ("chaz", "charles"),
    ("chris", "christopher"),
    ("chris", "christine"),
    ("chrissy", "christine"),
    ("chuck", "charles"),
    ("cindy", "cynthia"),
    ("claire", "clare"),
    ("clem", "clement"),
    ("cliff", "clifford"),
    ("connie", "constance"),
    ("dan", "daniel"),
    ("danny", "daniel"),
    ("dave", "david"),
    ("davey", "david"),
    ("davy", "david"),
    ("deb", "deborah"),
    ("debbie", "deborah"),
    ("debs", "deborah"),
    ("del", "derek"),
    ("den", "dennis"),
    ("dennie", "dennis"),
    ("derry", "derek"),
    ("di", "diana"),
    ("dick", "richard"),
    ("dom", "dominic"),
    ("don", "donald"),
    ("donny", "donald"),
    ("dot", "dorothy"),
    ("dottie", "dorothy"),
    ("doug", "douglas"),
    ("drew", "andrew"),
    ("ed", "edward"),
    ("eddie", "edward"),
    ("eddy", "edward"),
    ("ellie", "eleanor"),
    ("ellie", "elizabeth"),
    ("em", "emily"),
    ("emma", "emily"),
    ("eric", "frederick"),
    ("ernie", "ernest"),
    ("fran", "frances"),
    ("frankie", "frances"),
    ("frank", "francis"),
    ("frankie", "francis"),
    ("fred", "frederick"),
    ("freddie", "frederick"),
    ("freddy", "frederick"),
    ("gabby", "gabrielle"),
    ("gail", "abigail"),
    ("gene", "eugene"),
    ("geoff", "geoffrey"),
    ("georgie", "georgina"),
    ("gerry", "gerald"),
    ("gill", "gillian"),
    ("gina", "georgina"),
    ("ginny", "virginia"),
    ("greg", "gregory"),
    ("gus", "angus"),
    ("hal", "henry"),
    ("hal", "harold"),
    ("hank", "henry"),
    ("harry", "harold"),
    ("harry", "henry"),
    ("hattie", "harriet"),
    ("herb", "herbert"),
    ("izzy", "isabel"),
    ("izzy", "isabella"),
    ("jack", "john"),
    ("jackie", "jacqueline"),
    ("jacky", "jacqueline"),
    ("jake", "jacob"),
    ("jamie", "james"),
    ("jan", "janet"),
    ("jen", "jennifer"),
    ("jenny", "jennifer"),
    ("jess", "jessica"),
    ("jessie", "jessica"),
    ("jill", "gillian"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("jo", "joanna"),
    ("jo", "josephine"),
    ("joe", "joseph"),
    ("joey", "joseph"),
    ("johnny", "john"),
    ("jon", "jonathan"),
    ("jonny", "jonathan"),
    ("josh", "joshua"),
    ("judy", "judith"),
    ("jules", "julian"),
    ("julie", "julia"),
    ("kate", "katherine"),
    ("kate", "catherine"),
    ("kath", "katherine"),
    ("kathy", "katherine"),
    ("katie", "katherine"),
    ("katy", "katherine"),
    ("kay", "katherine"),
    ("ken", "kenneth"),
    ("kenny", "kenneth"),
    ("kim", "kimberley"),
    ("kit", "christopher"),
    ("kris", "kristina"),
    ("larry", "lawrence"),
    ("laurie", "laura"),
    ("len", "leonard"),
    ("lenny", "leonard"),
    ("leo", "leonard"),
    ("les", "leslie"),
    ("lew", "lewis"),
    ("lexi", "alexandra"),
    ("libby", "elizabeth"),
    ("lily", "lilian"),
    ("lisa", "elizabeth"),
    ("liz", "elizabeth"),
    ("lizzie", "elizabeth"),
    ("lizzy", "elizabeth"),
    ("lottie", "charlotte"),
    ("lou", "louise"),
    ("lou", "louis"),
    ("louie", "louis"),
    ("lucy", "lucinda"),
    ("luke", "lucas"),
    ("maddie", "madeleine"),
    ("maddy", "madeleine"),
    ("maggie", "margaret"),
    ("mandy", "amanda"),
    ("marge", "margaret"),
    ("matt", "matthew"),
    ("matty", "matthew"),
    ("max", "maximilian"),
    ("maz", "marianne"),
    ("meg", "margaret"),
    ("mel", "melanie"),
    ("mick", "michael"),
    ("mickey", "michael"),
    ("micky", "michael"),
    ("mike", "michael"),
    ("mikey", "michael"),
    ("milly", "millicent"),
    ("molly", "mary"),
    ("nan", "ann"),
    ("nat", "nathan"),
    ("nat", "natalie"),
    ("nate", "nathan"),
    ("ned", "edward"),
    ("nell", "eleanor"),
    ("nellie", "eleanor"),
    ("nick", "nicholas"),
    ("nicky", "nicola"),
    ("nikki", "nicola"),
    ("nico", "nicholas"),
    ("ollie", "oliver"),
    ("pam", "pamela"),
    ("pat", "patricia"),
    ("pat", "patrick"),
    ("patsy", "patricia"),
    ("patty", "patricia"),
    ("paddy", "patrick"),
    ("peggy", "margaret"),
    ("penny", "penelope"),
    ("pete", "peter"),
    ("phil", "philip"),
    ("pip", "philippa"),
    ("polly", "mary"),
    ("rach", "rachel"),
    ("ray", "raymond"),
    ("reg", "reginald"),
    ("rich", "richard"),
    ("richie", "richard"),
    ("rick", "richard"),
    ("ricky", "richard"),
    ("rob", "robert"),
    ("robbie", "robert"),
    ("robin", "robert"),
    ("rod", "rodney"),
    ("ron", "ronald"),
    ("ronnie", "ronald"),
    ("rosie", "rose"),
    ("ros", "rosalind"),
    ("russ", "russell"),
    ("ruthie", "ruth"),
    ("sal", "sally"),
    ("sam", "samuel"),
    ("sam", "samantha"),
    ("sammy", "samuel"),
    ("sandy", "sandra"),
    ("sandy", "alexander"),
    ("sarah", "sara"),
    ("sean", "shaun"),
    ("shelly", "michelle"),
    ("si", "simon"),
    ("stan", "stanley"),
    ("steph", "stephanie"),
    ("steve", "stephen"),
    ("steve", "steven"),
    ("stevie", "stephen"),
    ("stu", "stuart"),
    ("sue", "susan"),
    ("susie", "susan"),
    ("suzy", "susan"),
    ("ted", "edward"),
    ("teddy", "edward"),
    ("terry", "terence"),
    ("theo", "theodore"),
    ("tim", "timothy"),
    ("timmy", "timothy"),
    ("tina", "christina"),
    ("toby", "tobias"),
    ("tom", "thomas"),
    ("tommy", "thomas"),
    ("tony", "anthony"),
    ("tracy", "theresa"),
    ("trish", "patricia"),
    ("val", "valerie"),
    ("vic", "victor"),
    ("vicky", "victoria"),
    ("vince", "vincent"),
    ("viv", "vivian"),
    ("wally", "walter"),
    ("walt", "walter"),
    ("wendy", "gwendolyn"),
    ("will", "william"),
    ("willie", "william"),
    ("wilf", "wilfred"),
    ("zach", "zachary"),
    ("zak", "zachary"),
];

/// The given name a nickname stands for (the first, when it stands for several), or the name
/// itself.
pub fn formal_name(name: &str) -> &str {
    NICKNAMES
        .iter()
        .find(|(nickname, _)| *nickname == name)
        .map_or(name, |(_, formal)| formal)
}

/// The given names a nickname stands for, or the name itself when it is none.
pub fn formal_names(name: &str) -> impl Iterator<Item = &str> {
    let mut formals = NICKNAMES
        .iter()
        .filter(move |(nickname, _)| *nickname == name)
        .map(|(_, formal)| *formal)
        .peekable();
    let itself = formals.peek().is_none().then_some(name);
    itself.into_iter().chain(formals)
}

/// American Soundex (`Robert` → `R163`), as `jellyfish.soundex` computes it: the first letter,
/// then the codes of the following consonants, equal codes separated only by `h` or `w`
/// merged, padded with `0` to four characters. `None` when there is no ASCII letter.
pub fn soundex(word: &str) -> Option<String> {
    soundex_code(word).and_then(|code| String::from_utf8(code.to_vec()).ok())
}

/// [`soundex`] as four bytes, without allocating (blocking computes one per record and rule).
pub fn soundex_code(word: &str) -> Option<[u8; 4]> {
    let mut letters = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_uppercase());
    let first = letters.next()?;
    let code = |b: u8| match b {
        b'B' | b'F' | b'P' | b'V' => b'1',
        b'C' | b'G' | b'J' | b'K' | b'Q' | b'S' | b'X' | b'Z' => b'2',
        b'D' | b'T' => b'3',
        b'L' => b'4',
        b'M' | b'N' => b'5',
        b'R' => b'6',
        _ => b'0',
    };
    let mut out = [first, b'0', b'0', b'0'];
    let mut filled = 1;
    let mut last = code(first);
    for b in letters {
        let Some(slot) = out.get_mut(filled) else {
            break;
        };
        let c = code(b);
        if c != b'0' && c != last {
            *slot = c;
            filled += 1;
        }
        if b != b'H' && b != b'W' {
            last = c;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(normalise: impl Fn(&str) -> Option<String>, input: &str, expect: Option<&str>) {
        assert_eq!(normalise(input).as_deref(), expect, "{input:?}");
    }

    #[test]
    fn emails_lose_case_space_tags_and_gmail_dots() {
        let rules = EmailRules::default();
        let e = |raw: &str| email(raw, rules);
        check(
            e,
            " Ada.Lovelace@Example.COM ",
            Some("ada.lovelace@example.com"),
        );
        check(
            e,
            "ada.lovelace+promo@example.com",
            Some("ada.lovelace@example.com"),
        );
        check(e, "A.da.Love+x@googlemail.com", Some("adalove@gmail.com"));
        check(e, "mailto:<bo@x.org>", Some("bo@x.org"));
        check(e, "+tag@x.org", Some("+tag@x.org"));
        check(e, "no-at-sign.example.com", None);
        check(e, "@x.org", None);
        check(e, "", None);
        let plain = EmailRules {
            strip_plus_tags: false,
            gmail_dots: false,
        };
        check(
            |raw| email(raw, plain),
            "a.b+c@gmail.com",
            Some("a.b+c@gmail.com"),
        );
    }

    #[test]
    fn phones_become_international_digits() {
        let p = |raw: &str| phone(raw, "44");
        check(p, "+44 20 123 4567", Some("44201234567"));
        check(p, "020 123 4567", Some("44201234567"));
        check(p, "0044 (20) 123-4567", Some("44201234567"));
        check(p, "+1 555 010 9999 ext. 12", Some("15550109999"));
        check(p, "12-34", None);
        check(p, "n/a", None);
        assert_eq!(phone_key("44201234567"), "201234567");
        assert_eq!(phone_key("0044"), "0044");
    }

    #[test]
    fn handles_lose_case_and_at_sign() {
        check(handle, "@Ada_L", Some("ada_l"));
        check(handle, "https://twitter.com/Ada_L/", Some("ada_l"));
        check(handle, "@", None);
        check(handle, "two words", None);
    }

    #[test]
    fn identifiers_ignore_case_and_separators() {
        check(identifier, " C-000 123 ", Some("c000123"));
        check(identifier, "--", None);
    }

    #[test]
    fn ascii_text_reads_as_the_unicode_path_does() {
        let mut rng = rand_pcg::Pcg64Mcg::new(7);
        for _ in 0..5_000 {
            use rand::Rng;
            let len = rng.random_range(0..12);
            let raw: String = (0..len)
                .map(|_| char::from(rng.random_range(0u8..128)))
                .collect();
            assert_eq!(ascii_text(&raw), unicode_text(&raw), "{raw:?}");
        }
    }

    #[test]
    fn text_folds_accents_case_and_punctuation() {
        check(text, "  Zoë  O'Brien-Straße ", Some("zoe o brien strasse"));
        check(text, "ŁÓDŹ", Some("lodz"));
        check(text, "...", None);
        check(name, "Mc Donald", Some("mcdonald"));
    }

    #[test]
    fn postcodes_lose_leading_zeros_and_spacing() {
        check(postcode, "02000", Some("2000"));
        check(postcode, "2000", Some("2000"));
        check(postcode, "sw1a 1aa", Some("SW1A1AA"));
        check(postcode, "0000", None);
    }

    #[test]
    fn birth_dates_from_the_usual_spellings() {
        check(birth_date, "19560807", Some("19560807"));
        check(birth_date, "1956-08-07", Some("19560807"));
        check(birth_date, "07/08/1956", Some("19560807"));
        check(birth_date, "1956-08-07T00:00:00Z", Some("19560807"));
        check(birth_date, "19561307", None);
        check(birth_date, "1956", None);
        check(birth_date, "", None);
    }

    #[test]
    fn nicknames_stand_for_formal_names() {
        assert_eq!(formal_name("bob"), "robert");
        assert_eq!(formal_name("robert"), "robert");
        assert_eq!(formal_name("zbigniew"), "zbigniew");
    }

    #[test]
    fn soundex_codes() {
        check(soundex, "Robert", Some("R163"));
        check(soundex, "Rupert", Some("R163"));
        check(soundex, "Ashcraft", Some("A261"));
        check(soundex, "Tymczak", Some("T522"));
        check(soundex, "Pfister", Some("P236"));
        check(soundex, "Lee", Some("L000"));
        check(soundex, "123", None);
    }
}
