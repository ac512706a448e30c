//! Word banks the generator draws from.

pub(super) const FIRST_NAMES: &[&str] = &[
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Leo", "Sofia", "Hugo", "Chloé",
    "Mateo", "Amelia", "Elias", "Zoë", "Oscar", "Freya", "Arjun", "Priya", "Kenji", "Yuki",
    "Fatima", "Omar", "Léa", "Jonas", "Ines", "Marco", "Giulia", "Sven", "Astrid", "Daniel",
    "Grace", "Samuel", "Nora", "Felix", "Hannah", "Tomás", "Lucía", "Aiden", "Maya",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Smith",
    "Martin",
    "García",
    "Müller",
    "Rossi",
    "Dubois",
    "Johnson",
    "Nguyen",
    "Kowalski",
    "Jansen",
    "Silva",
    "Andersson",
    "O'Brien",
    "Schmidt",
    "Moreau",
    "Lopez",
    "Brown",
    "Tanaka",
    "Kim",
    "Patel",
    "Novak",
    "Fischer",
    "Bernard",
    "Costa",
    "Larsen",
    "Wilson",
    "Khan",
    "Ivanova",
    "Dupont",
    "Weber",
    "Romano",
    "Hughes",
];

/// City, country code and the share of customers living there (per thousand).
pub(super) const CITIES: &[(&str, &str, u32)] = &[
    ("London", "GB", 140),
    ("Manchester", "GB", 60),
    ("Paris", "FR", 120),
    ("Lyon", "FR", 50),
    ("Berlin", "DE", 110),
    ("Munich", "DE", 60),
    ("Madrid", "ES", 80),
    ("Milan", "IT", 70),
    ("Amsterdam", "NL", 70),
    ("Stockholm", "SE", 50),
    ("Dublin", "IE", 50),
    ("New York", "US", 90),
    ("Toronto", "CA", 50),
];

pub(super) const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "gmx.de",
    "orange.fr",
];

pub(super) const LOYALTY_TIERS: &[(&str, u32)] = &[
    ("Bronze", 600),
    ("Silver", 250),
    ("Gold", 120),
    ("Platinum", 30),
];
