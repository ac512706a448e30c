//! The demo company: a European outdoor-and-lifestyle retailer's exports, with the truth behind
//! them.
//!
//! Seven files from six systems, in the formats such systems really export: a CRM export (CSV),
//! orders (Excel-style `;` CSV with comma decimals and day/month/year dates), social posts (JSON
//! Lines), product reviews (a JSON array), support tickets (CSV with quoted newlines), survey
//! answers (tab-separated) and web/app events (JSON Lines).
//!
//! Identities are messy as they are in life: one person may be two CRM records, order as a guest
//! with `Ada.Lovelace+promo@…`, write reviews as `ADA.LOVELACE@…`, call support from a differently
//! formatted phone number, or be known on social media only by a handle. The traps of real
//! customer bases are planted too: names are Zipf-distributed (a few very common, "Emma Smith"
//! many times over), a second CRM record may give a nickname ("Dan" for Daniel), and about 30 %
//! of people live with one to three others at one street address, most sharing the household's
//! landline and its last name, some a family e-mail: several customers, one household.
//! [`DemoTruth`] records who is really behind every row, who lives with whom, what every text
//! truly feels, which segment each person was planted in and who the influencers are, so later
//! analyses can be checked against it.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::customer_base::{chance, household_sizes, weighted, Picker};
use super::phrases::{compose, SentimentClass, PRODUCTS};
use super::words::{
    CITIES, EMAIL_DOMAINS, FIRST_NAMES, GIVEN_NAMES, LAST_NAMES, LOYALTY_TIERS, SURNAMES,
};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoParams {
    pub seed: u64,
    pub n_customers: usize,
    /// The day the export was taken, in days since 1970-01-01; sign-ups lie in the two years
    /// before it. Passed in because the core never reads a clock.
    pub today: i32,
}

impl Default for DemoParams {
    fn default() -> DemoParams {
        DemoParams {
            seed: 2026,
            n_customers: 10_000,
            // 2026-11-01: a fixed day, so the demo is the same on every machine.
            today: 20_758,
        }
    }
}

/// The most customers the demo generates; beyond this it is a load test, not a demo.
pub const MAX_DEMO_CUSTOMERS: usize = 200_000;

/// One exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Behaviour planted in a person, for segmentation to find again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PlantedSegment {
    Champion,
    Loyal,
    Promising,
    AtRisk,
    Hibernating,
    New,
}

/// What really lies behind the demo's rows.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DemoTruth {
    pub n_people: usize,
    /// Per file, the person (index) behind each row in order; `None` for strangers and
    /// anonymous visitors who are not customers.
    pub row_people: Vec<(String, Vec<Option<u32>>)>,
    /// Per file holding customer text, the sentiment each row's text was written with.
    pub text_sentiment: Vec<(String, Vec<SentimentClass>)>,
    /// Each person's planted segment, by person index.
    pub segments: Vec<PlantedSegment>,
    /// Handles of the people planted as influencers.
    pub influencers: Vec<String>,
    /// Each person's household, by person index: people who share one live together (their
    /// street address, usually their landline and last name, sometimes one family e-mail).
    /// Households are numbered from 0 in the order of their first person; someone living
    /// alone has one of their own.
    pub households: Vec<u32>,
}

/// The demo company's files and their truth.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCompany {
    pub files: Vec<DemoFile>,
    pub truth: DemoTruth,
}

#[derive(Debug, Clone)]
struct Person {
    first: &'static str,
    /// What a second CRM record calls them instead ("Dan" for Daniel), if anything.
    nickname: Option<&'static str>,
    last: &'static str,
    email: String,
    /// Dialling code and number: their mobile, or their household's landline.
    phone: Option<(u32, String)>,
    street: String,
    city: &'static str,
    country: &'static str,
    postcode: String,
    handle: Option<String>,
    segment: PlantedSegment,
    influencer: bool,
    /// Their CRM records' ids (two for a duplicated person, none for a guest-only buyer).
    crm_ids: Vec<String>,
    /// Days before `today` they signed up.
    tenure_days: i32,
}

/// Builds the company's files a stage (one file) at a time, each in chunks of rows.
pub struct CompanyGenerator {
    params: DemoParams,
    rng: Pcg64Mcg,
    people: Vec<Person>,
    stage_idx: usize,
    stage: Option<Stage>,
    files: Vec<DemoFile>,
    truth: DemoTruth,
}

/// The files, in the order they are made, with their share of the work.
const STAGES: [(&str, f32); 7] = [
    ("crm_customers.csv", 0.08),
    ("orders.csv", 0.2),
    ("social_posts.ndjson", 0.12),
    ("product_reviews.json", 0.06),
    ("support_tickets.csv", 0.06),
    ("survey_answers.tsv", 0.04),
    ("web_events.ndjson", 0.44),
];

/// One file being written: its rows planned up front, written in chunks.
struct Stage {
    rows: Vec<RowPlan>,
    written: usize,
    out: Vec<u8>,
    people: Vec<Option<u32>>,
    sentiments: Vec<SentimentClass>,
}

/// What one row will say; texts and ids are made when it is written.
#[derive(Debug, Clone)]
struct RowPlan {
    person: Option<u32>,
    /// Days before `today`.
    days_ago: i32,
    /// Seconds into that day.
    second_of_day: u32,
    sentiment: SentimentClass,
    /// A row this one refers to (a reply's parent post, a duplicate CRM record's original).
    other: Option<u32>,
}

impl CompanyGenerator {
    pub fn new(params: DemoParams) -> CompanyGenerator {
        let n_people = params.n_customers.min(MAX_DEMO_CUSTOMERS);
        let mut rng = Pcg64Mcg::seed_from_u64(params.seed);
        let mut people: Vec<Person> = (0..n_people)
            .map(|idx| make_person(&mut rng, idx))
            .collect();
        let households = plant_traps(&mut people, params.seed);
        let truth = DemoTruth {
            n_people,
            households,
            segments: people.iter().map(|p| p.segment).collect(),
            influencers: people
                .iter()
                .filter(|p| p.influencer)
                .filter_map(|p| p.handle.clone())
                .collect(),
            ..DemoTruth::default()
        };
        CompanyGenerator {
            params,
            rng,
            people,
            stage_idx: 0,
            stage: None,
            files: Vec::new(),
            truth,
        }
    }

    pub fn is_done(&self) -> bool {
        self.stage_idx >= STAGES.len()
    }

    pub fn fraction_done(&self) -> f32 {
        let done: f32 = STAGES[..self.stage_idx.min(STAGES.len())]
            .iter()
            .map(|(_, share)| share)
            .sum();
        let current = match (&self.stage, STAGES.get(self.stage_idx)) {
            (Some(stage), Some((_, share))) if !stage.rows.is_empty() => {
                share * stage.written as f32 / stage.rows.len() as f32
            }
            _ => 0.0,
        };
        (done + current).min(1.0)
    }

    /// The file being made, for progress messages.
    pub fn current_file(&self) -> Option<&'static str> {
        STAGES.get(self.stage_idx).map(|(name, _)| *name)
    }

    /// Writes up to `max_rows` more rows.
    pub fn step(&mut self, max_rows: usize) {
        let Some((name, _)) = STAGES.get(self.stage_idx) else {
            return;
        };
        if self.stage.is_none() {
            self.stage = Some(self.plan(self.stage_idx));
        }
        let mut stage = self.stage.take().expect("planned just above");
        let end = stage
            .written
            .saturating_add(max_rows.max(1))
            .min(stage.rows.len());
        for row_idx in stage.written..end {
            let plan = stage.rows[row_idx].clone();
            self.write_row(self.stage_idx, row_idx, &plan, &mut stage.out);
            stage.people.push(plan.person);
            stage.sentiments.push(plan.sentiment);
        }
        stage.written = end;
        if stage.written < stage.rows.len() {
            self.stage = Some(stage);
            return;
        }
        if *name == "product_reviews.json" {
            stage.out.extend_from_slice(b"\n]\n");
        }
        self.truth.row_people.push((name.to_string(), stage.people));
        if matches!(
            *name,
            "social_posts.ndjson"
                | "product_reviews.json"
                | "support_tickets.csv"
                | "survey_answers.tsv"
        ) {
            self.truth
                .text_sentiment
                .push((name.to_string(), stage.sentiments));
        }
        self.files.push(DemoFile {
            name: name.to_string(),
            bytes: stage.out,
        });
        self.stage_idx += 1;
    }

    pub fn finish(mut self) -> DemoCompany {
        while !self.is_done() {
            self.step(usize::MAX);
        }
        DemoCompany {
            files: self.files,
            truth: self.truth,
        }
    }

    /// Plans every row of a file, in the order a real export would list them.
    fn plan(&mut self, stage_idx: usize) -> Stage {
        let rng = &mut self.rng;
        let n_people = self.people.len() as u32;
        let mut rows: Vec<RowPlan> = Vec::new();
        let mut out: Vec<u8> = Vec::new();
        let plain = |person: Option<u32>, days_ago: i32, rng: &mut Pcg64Mcg| RowPlan {
            person,
            days_ago,
            second_of_day: rng.random_range(7 * 3600..23 * 3600),
            sentiment: SentimentClass::Neutral,
            other: None,
        };
        match STAGES[stage_idx].0 {
            "crm_customers.csv" => {
                out.extend_from_slice(b"customer_id,first_name,last_name,email,phone,street,postcode,city,country,signup_date,loyalty_tier,marketing_opt_in,social_handle\n");
                for (person_idx, person) in self.people.iter().enumerate() {
                    for (record_idx, _) in person.crm_ids.iter().enumerate() {
                        let mut row = plain(Some(person_idx as u32), person.tenure_days, rng);
                        row.other = Some(record_idx as u32);
                        rows.push(row);
                    }
                }
            }
            "orders.csv" => {
                out.extend_from_slice("order_id;customer_id;guest_email;order_date;amount;currency;quantity;product;channel\n".as_bytes());
                for (person_idx, person) in self.people.iter().enumerate() {
                    for days_ago in order_days(rng, person.segment, person.tenure_days) {
                        rows.push(plain(Some(person_idx as u32), days_ago, rng));
                    }
                }
                rows.sort_by_key(|row| (std::cmp::Reverse(row.days_ago), row.second_of_day));
            }
            "social_posts.ndjson" => {
                let authors: Vec<u32> = (0..n_people)
                    .filter(|idx| self.people[*idx as usize].handle.is_some())
                    .collect();
                let n_posts = self.people.len() * 3 / 2;
                for post_idx in 0..n_posts {
                    let person = if authors.is_empty() || rng.random_bool(0.25) {
                        None // someone who is not a customer
                    } else {
                        let author = authors[rng.random_range(0..authors.len())];
                        // Influencers post far more often than others.
                        let influencer = authors.iter().copied().find(|idx| {
                            self.people[*idx as usize].influencer && rng.random_bool(0.02)
                        });
                        Some(influencer.unwrap_or(author))
                    };
                    let mut row = plain(person, rng.random_range(0..730), rng);
                    row.sentiment = feeling(rng, person.map(|p| self.people[p as usize].segment));
                    if post_idx > 0 && rng.random_bool(0.3) {
                        row.other = Some(rng.random_range(0..post_idx as u32));
                    }
                    rows.push(row);
                }
                rows.sort_by_key(|row| (std::cmp::Reverse(row.days_ago), row.second_of_day));
                // Replies point at earlier posts once the posts are in time order.
                for (row_idx, row) in rows.iter_mut().enumerate() {
                    if row.other.is_some() {
                        row.other = (row_idx > 0).then(|| rng.random_range(0..row_idx as u32));
                    }
                }
            }
            "product_reviews.json" => {
                out.extend_from_slice(b"[\n");
                for _ in 0..self.people.len() * 6 / 10 {
                    let person = rng.random_range(0..n_people.max(1));
                    let mut row = plain(Some(person), rng.random_range(0..700), rng);
                    row.sentiment =
                        feeling(rng, self.people.get(person as usize).map(|p| p.segment));
                    rows.push(row);
                }
            }
            "support_tickets.csv" => {
                out.extend_from_slice(
                    b"ticket_id,contact_email,contact_phone,opened_at,channel,subject,message\n",
                );
                for _ in 0..self.people.len() / 2 {
                    let person = rng.random_range(0..n_people.max(1));
                    let mut row = plain(Some(person), rng.random_range(0..365), rng);
                    // People write to support mostly when something went wrong.
                    row.sentiment = match rng.random_range(0..10) {
                        0..=5 => SentimentClass::Negative,
                        6..=8 => SentimentClass::Neutral,
                        _ => SentimentClass::Positive,
                    };
                    rows.push(row);
                }
                rows.sort_by_key(|row| (std::cmp::Reverse(row.days_ago), row.second_of_day));
            }
            "survey_answers.tsv" => {
                out.extend_from_slice(b"response_id\tcustomer_ref\tsubmitted\tnps\tanswer\n");
                for _ in 0..self.people.len() * 4 / 10 {
                    let person = rng.random_range(0..n_people.max(1));
                    if self
                        .people
                        .get(person as usize)
                        .is_none_or(|p| p.crm_ids.is_empty())
                    {
                        continue;
                    }
                    let mut row = plain(Some(person), rng.random_range(0..365), rng);
                    row.sentiment = feeling(rng, Some(self.people[person as usize].segment));
                    rows.push(row);
                }
            }
            _ => {
                for _ in 0..self.people.len() * 10 {
                    let person = (rng.random_bool(0.75) && n_people > 0)
                        .then(|| rng.random_range(0..n_people));
                    rows.push(plain(person, rng.random_range(0..90), rng));
                }
                rows.sort_by_key(|row| (std::cmp::Reverse(row.days_ago), row.second_of_day));
            }
        }
        Stage {
            people: Vec::with_capacity(rows.len()),
            sentiments: Vec::with_capacity(rows.len()),
            rows,
            written: 0,
            out,
        }
    }

    fn write_row(&mut self, stage_idx: usize, row_idx: usize, plan: &RowPlan, out: &mut Vec<u8>) {
        let today = self.params.today;
        let rng = &mut self.rng;
        let person = plan.person.and_then(|idx| self.people.get(idx as usize));
        let date = date_text(today - plan.days_ago);
        let (hour, minute, second) = (
            plan.second_of_day / 3600,
            plan.second_of_day / 60 % 60,
            plan.second_of_day % 60,
        );
        let iso_time = format!("{date}T{hour:02}:{minute:02}:{second:02}Z");
        match STAGES[stage_idx].0 {
            "crm_customers.csv" => {
                let Some(person) = person else { return };
                let record_idx = plan.other.unwrap_or(0) as usize;
                let duplicate = record_idx > 0;
                let email = if duplicate {
                    messy_email(rng, &person.email)
                } else {
                    person.email.clone()
                };
                let first = match (duplicate, person.nickname) {
                    (true, Some(nickname)) => nickname,
                    _ => person.first,
                };
                let last = if duplicate && rng.random_bool(0.3) {
                    typo(rng, person.last)
                } else {
                    person.last.to_owned()
                };
                let phone = person.phone.as_ref().map(|(code, number)| {
                    if duplicate {
                        national_phone(*code, number)
                    } else {
                        format!("+{code} {number}")
                    }
                });
                let (street, postcode, city) = if duplicate && rng.random_bool(0.4) {
                    let (city, _, _) = CITIES[rng.random_range(0..CITIES.len())];
                    (
                        street(rng),
                        format!("{:05}", rng.random_range(1000..99_999)),
                        city,
                    )
                } else {
                    (person.street.clone(), person.postcode.clone(), person.city)
                };
                let (tier, _) = LOYALTY_TIERS[rng.random_range(0..LOYALTY_TIERS.len())];
                let handle = if duplicate {
                    ""
                } else {
                    crm_handle(person).unwrap_or("")
                };
                csv_row(
                    out,
                    b',',
                    &[
                        &person.crm_ids[record_idx],
                        first,
                        &last,
                        &email,
                        phone.as_deref().unwrap_or(""),
                        &street,
                        &postcode,
                        city,
                        person.country,
                        &date,
                        tier,
                        if rng.random_bool(0.6) { "yes" } else { "no" },
                        handle,
                    ],
                );
            }
            "orders.csv" => {
                let Some(person) = person else { return };
                let guest = person.crm_ids.is_empty() || rng.random_bool(0.08);
                let customer_id = if guest {
                    String::new()
                } else {
                    person.crm_ids[rng.random_range(0..person.crm_ids.len())].clone()
                };
                let guest_email = if guest {
                    messy_email(rng, &person.email)
                } else {
                    String::new()
                };
                let quantity = rng.random_range(1..4u32);
                let unit_price = match person.segment {
                    PlantedSegment::Champion => rng.random_range(60.0..220.0),
                    PlantedSegment::Loyal => rng.random_range(40.0..140.0),
                    _ => rng.random_range(15.0..90.0),
                };
                let amount = format!("{:.2}", unit_price * f64::from(quantity)).replace('.', ",");
                let (day, month, year) = (&date[8..10], &date[5..7], &date[0..4]);
                csv_row(
                    out,
                    b';',
                    &[
                        &format!("O{:07}", row_idx + 1),
                        &customer_id,
                        &guest_email,
                        &format!("{day}/{month}/{year}"),
                        &amount,
                        currency(person.country),
                        &quantity.to_string(),
                        PRODUCTS[rng.random_range(0..PRODUCTS.len())],
                        ["web", "app", "store"][rng.random_range(0..3)],
                    ],
                );
            }
            "social_posts.ndjson" => {
                let handle = match person.and_then(|p| p.handle.clone()) {
                    Some(handle) => handle,
                    None => format!(
                        "@{}{}",
                        ["sky", "urban", "daily", "trail", "mo", "zen"][rng.random_range(0..6)],
                        rng.random_range(10..9_999)
                    ),
                };
                let mut mentions: Vec<String> = Vec::new();
                if rng.random_bool(0.35) {
                    mentions.push("@northwind_outdoor".to_owned());
                }
                if !self.truth.influencers.is_empty() && rng.random_bool(0.25) {
                    mentions.push(
                        self.truth.influencers[rng.random_range(0..self.truth.influencers.len())]
                            .clone(),
                    );
                }
                mentions.retain(|mention| *mention != handle);
                let text = compose(rng, plan.sentiment, &mentions);
                let object = serde_json::json!({
                    "post_id": format!("P{:07}", row_idx + 1),
                    "author": { "handle": handle, "platform": (["twitter", "instagram", "threads"][rng.random_range(0..3)]) },
                    "created_at": iso_time,
                    "text": text,
                    "mentions": mentions,
                    "in_reply_to": plan.other.map(|parent| format!("P{:07}", parent + 1)),
                    "likes": rng.random_range(0..40u32),
                });
                out.extend_from_slice(object.to_string().as_bytes());
                out.push(b'\n');
            }
            "product_reviews.json" => {
                let Some(person) = person else { return };
                let stars = match plan.sentiment {
                    SentimentClass::Positive => rng.random_range(4..=5u32),
                    SentimentClass::Neutral => 3,
                    SentimentClass::Negative => rng.random_range(1..=2u32),
                };
                let object = serde_json::json!({
                    "review_id": row_idx + 1,
                    "reviewer_email": if rng.random_bool(0.3) { messy_email(rng, &person.email) } else { person.email.clone() },
                    "product": PRODUCTS[rng.random_range(0..PRODUCTS.len())],
                    "stars": stars,
                    "review": compose(rng, plan.sentiment, &[]),
                    "posted": date,
                });
                if row_idx > 0 {
                    out.extend_from_slice(b",\n");
                }
                out.extend_from_slice(b"  ");
                out.extend_from_slice(object.to_string().as_bytes());
            }
            "support_tickets.csv" => {
                let Some(person) = person else { return };
                let by_phone = person.phone.is_some() && rng.random_bool(0.4);
                let (email, phone) = if by_phone {
                    let (code, number) = person.phone.clone().unwrap_or_default();
                    (String::new(), national_phone(code, &number))
                } else {
                    (messy_email(rng, &person.email), String::new())
                };
                let subject = match plan.sentiment {
                    SentimentClass::Negative => "Problem with my order",
                    SentimentClass::Neutral => "Question",
                    SentimentClass::Positive => "Thank you",
                };
                let body = format!(
                    "Hello,\n{}\nRegards, {}",
                    compose(rng, plan.sentiment, &[]),
                    person.first
                );
                csv_row(
                    out,
                    b',',
                    &[
                        &format!("T{:06}", row_idx + 1),
                        &email,
                        &phone,
                        &format!("{date} {hour:02}:{minute:02}:{second:02}"),
                        ["email", "phone", "chat"][rng.random_range(0..3)],
                        subject,
                        &body,
                    ],
                );
            }
            "survey_answers.tsv" => {
                let Some(person) = person else { return };
                let nps = match plan.sentiment {
                    SentimentClass::Positive => rng.random_range(9..=10u32),
                    SentimentClass::Neutral => rng.random_range(7..=8u32),
                    SentimentClass::Negative => rng.random_range(0..=6u32),
                };
                let answer = compose(rng, plan.sentiment, &[]);
                csv_row(
                    out,
                    b'\t',
                    &[
                        &format!("R{:06}", row_idx + 1),
                        &person.crm_ids[0],
                        &date,
                        &nps.to_string(),
                        &answer,
                    ],
                );
            }
            _ => {
                let session = format!(
                    "s{:x}",
                    (plan.days_ago as u64) << 32
                        | u64::from(plan.person.unwrap_or(u32::MAX) % 100_000) << 8
                        | u64::from(plan.second_of_day / 1800)
                );
                let (event_type, url) = match rng.random_range(0..20) {
                    0..=10 => (
                        "page_view",
                        format!(
                            "/products/{}",
                            PRODUCTS[rng.random_range(0..PRODUCTS.len())].replace(' ', "-")
                        ),
                    ),
                    11..=13 => ("search", "/search".to_owned()),
                    14..=16 => ("add_to_cart", "/cart".to_owned()),
                    17 => ("checkout", "/checkout".to_owned()),
                    18 => ("login", "/account/login".to_owned()),
                    _ => ("app_open", "app://home".to_owned()),
                };
                let customer = person.and_then(|p| p.crm_ids.first().cloned());
                let object = serde_json::json!({
                    "event_id": format!("E{:08}", row_idx + 1),
                    "event_type": event_type,
                    "customer_id": customer,
                    "session_id": session,
                    "url": url,
                    "device": (["desktop", "mobile", "tablet"][rng.random_range(0..3)]),
                    "timestamp": iso_time,
                });
                out.extend_from_slice(object.to_string().as_bytes());
                out.push(b'\n');
            }
        }
    }
}

fn make_person(rng: &mut Pcg64Mcg, idx: usize) -> Person {
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
    let total: u32 = CITIES.iter().map(|(_, _, w)| w).sum();
    let mut ticket = rng.random_range(0..total);
    let (city, country, _) = *CITIES
        .iter()
        .find(|(_, _, w)| {
            let hit = ticket < *w;
            ticket = ticket.saturating_sub(*w);
            hit
        })
        .unwrap_or(&CITIES[0]);
    let segment = match rng.random_range(0..100) {
        0..=9 => PlantedSegment::Champion,
        10..=29 => PlantedSegment::Loyal,
        30..=44 => PlantedSegment::Promising,
        45..=59 => PlantedSegment::AtRisk,
        60..=79 => PlantedSegment::Hibernating,
        _ => PlantedSegment::New,
    };
    let email = format!(
        "{}.{}{}@{}",
        ascii(first),
        ascii(last),
        idx % 1000,
        EMAIL_DOMAINS[rng.random_range(0..EMAIL_DOMAINS.len())]
    );
    let phone = rng.random_bool(0.8).then(|| {
        (
            dialling_code(country),
            format!(
                "{} {:03} {:04}",
                rng.random_range(20..99),
                rng.random_range(0..1000),
                rng.random_range(0..10_000)
            ),
        )
    });
    let handle = rng
        .random_bool(0.45)
        .then(|| format!("@{}_{}{}", ascii(first), ascii(last), idx % 997));
    let influencer = handle.is_some() && rng.random_bool(0.02);
    let in_crm = rng.random_bool(0.92);
    let crm_ids = if !in_crm {
        Vec::new()
    } else if rng.random_bool(0.05) {
        vec![
            format!("C{:06}", idx * 2 + 1),
            format!("C{:06}", idx * 2 + 2),
        ]
    } else {
        vec![format!("C{:06}", idx * 2 + 1)]
    };
    let tenure_days = match segment {
        PlantedSegment::New => rng.random_range(5..60),
        _ => rng.random_range(120..730),
    };
    Person {
        first,
        nickname: None,
        last,
        email,
        phone,
        // Given with the household, by `plant_traps`.
        street: String::new(),
        city,
        country,
        postcode: format!("{:05}", rng.random_range(1000..99_999)),
        handle,
        segment,
        influencer,
        crm_ids,
        tenure_days,
    }
}

/// Share of people who live with one to three others.
const HOUSEHOLD_SHARE: f64 = 0.3;
/// Chance that a household member other than the first has the first's last name.
const SHARED_LAST_NAME: f64 = 0.8;
/// Chance that a household member with a phone gives the household's landline rather than
/// their mobile.
const GIVES_LANDLINE: f64 = 0.75;
/// Share of households of several people who share a last name that also use one family
/// e-mail.
const FAMILY_EMAIL_SHARE: f64 = 0.2;
/// Share of people whose first name has nicknames who are called by one on a second CRM
/// record.
const NICKNAME_SHARE: f64 = 0.5;
/// Zipf exponent of the name pools: the most common first name is about one person in
/// twelve.
const NAME_EXPONENT: f64 = 0.9;
/// Mixed into the seed for the traps' own generator, so planting them leaves the other draws
/// (segments, tenure, CRM records) as they were.
const TRAPS_SEED: u64 = 0x686f_7573_6568_6f6c;

/// Gives everyone a name from the skewed pools (a nickname too, for some), a street address,
/// and a household: a share of people live with others at one address, most with the
/// household's landline and last name, some with a family e-mail. Returns each person's
/// household, numbered in the order of their first person.
fn plant_traps(people: &mut [Person], seed: u64) -> Vec<u32> {
    use rand::seq::SliceRandom;
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ TRAPS_SEED);
    let given = given_pool();
    let surnames = surname_pool();
    let given_picker = Picker::new(given.len(), Some(NAME_EXPONENT));
    let surname_picker = Picker::new(surnames.len(), Some(NAME_EXPONENT));
    let draw_given = |rng: &mut Pcg64Mcg| {
        let (first, nicknames) = given[given_picker.pick(rng) as usize % given.len()];
        let nickname = (!nicknames.is_empty() && chance(rng, NICKNAME_SHARE))
            .then(|| nicknames[rng.random_range(0..nicknames.len())]);
        (first, nickname)
    };
    for person in people.iter_mut() {
        (person.first, person.nickname) = draw_given(&mut rng);
        person.last = surnames[surname_picker.pick(&mut rng) as usize % surnames.len()];
        person.street = street(&mut rng);
    }

    let sizes = household_sizes(&mut rng, people.len(), HOUSEHOLD_SHARE);
    let mut order: Vec<usize> = (0..people.len()).collect();
    order.shuffle(&mut rng);
    let mut groups: Vec<Vec<usize>> = Vec::with_capacity(sizes.len());
    let mut start = 0;
    for size in sizes {
        let end = (start + usize::from(size)).min(order.len());
        let mut members = order[start..end].to_vec();
        members.sort_unstable();
        start = end;
        if !members.is_empty() {
            groups.push(members);
        }
    }
    groups.sort_unstable_by_key(|members| members[0]);
    let mut households = vec![0u32; people.len()];
    let mut family_emails: Vec<(usize, String)> = Vec::new();
    for (household_idx, members) in groups.iter().enumerate() {
        for &member in members {
            households[member] = household_idx as u32;
        }
        let Some((&head_idx, others)) = members.split_first() else {
            continue;
        };
        if others.is_empty() {
            continue;
        }
        let head = people[head_idx].clone();
        let code = dialling_code(head.country);
        let landline = format!(
            "{} {:03} {:04}",
            rng.random_range(20..99),
            rng.random_range(0..1000),
            rng.random_range(0..10_000)
        );
        let mut firsts = vec![head.first];
        for &member in members {
            let person = &mut people[member];
            if member != head_idx {
                if chance(&mut rng, SHARED_LAST_NAME) {
                    person.last = head.last;
                }
                // People who live together are told apart by their first names.
                for _ in 0..20 {
                    if !firsts.contains(&person.first) {
                        break;
                    }
                    (person.first, person.nickname) = draw_given(&mut rng);
                }
                firsts.push(person.first);
                person.street = head.street.clone();
                person.postcode = head.postcode.clone();
                person.city = head.city;
                person.country = head.country;
            }
            if let Some((own_code, number)) = person.phone.as_mut() {
                *own_code = code;
                if chance(&mut rng, GIVES_LANDLINE) {
                    *number = landline.clone();
                }
            }
        }
        let family: Vec<usize> = members
            .iter()
            .copied()
            .filter(|member| people[*member].last == head.last)
            .collect();
        if family.len() >= 2 && chance(&mut rng, FAMILY_EMAIL_SHARE) {
            let domain = EMAIL_DOMAINS[weighted(&mut rng, &[3, 2, 1, 1, 1, 1, 1])];
            let address = format!("{}.family{}@{domain}", ascii(head.last), household_idx + 1);
            family_emails.extend(family.into_iter().map(|member| (member, address.clone())));
        }
    }
    // Addresses and handles follow the names; each person's own address is theirs alone.
    for (idx, person) in people.iter_mut().enumerate() {
        let domain = person
            .email
            .split_once('@')
            .map_or("example.com", |(_, domain)| domain)
            .to_owned();
        person.email = format!(
            "{}.{}{idx}@{domain}",
            ascii(person.first),
            ascii(person.last)
        );
        if let Some(handle) = person.handle.as_mut() {
            *handle = format!(
                "@{}_{}{}",
                ascii(person.first),
                ascii(person.last),
                idx % 997
            );
        }
    }
    for (member, address) in family_emails {
        if let Some(person) = people.get_mut(member) {
            person.email = address;
        }
    }
    households
}

/// First names, a few very common: the demo's own and the customer bases' English ones taken
/// in turn, each with its nicknames.
fn given_pool() -> Vec<(&'static str, &'static [&'static str])> {
    let nicknames_of = |name: &str| {
        GIVEN_NAMES
            .iter()
            .find(|(given, _)| *given == name)
            .map_or(&[][..], |(_, nicknames)| *nicknames)
    };
    let mut pool: Vec<(&'static str, &'static [&'static str])> = Vec::new();
    for idx in 0..FIRST_NAMES.len().max(GIVEN_NAMES.len()) {
        let own = FIRST_NAMES.get(idx).copied();
        let english = GIVEN_NAMES.get(idx).map(|(name, _)| *name);
        for name in own.into_iter().chain(english) {
            if !pool.iter().any(|(held, _)| *held == name) {
                pool.push((name, nicknames_of(name)));
            }
        }
    }
    pool
}

/// Last names, a few very common: the demo's own and the customer bases' taken in turn.
fn surname_pool() -> Vec<&'static str> {
    let mut pool: Vec<&'static str> = Vec::new();
    for idx in 0..LAST_NAMES.len().max(SURNAMES.len()) {
        for name in LAST_NAMES.get(idx).into_iter().chain(SURNAMES.get(idx)) {
            if !pool.contains(name) {
                pool.push(name);
            }
        }
    }
    pool
}

/// Days (before today) on which a person of `segment` ordered: the behaviour RFM should find.
fn order_days(rng: &mut Pcg64Mcg, segment: PlantedSegment, tenure_days: i32) -> Vec<i32> {
    let (n_orders, newest, oldest) = match segment {
        PlantedSegment::Champion => (rng.random_range(10..20), 0, tenure_days),
        PlantedSegment::Loyal => (rng.random_range(5..10), 0, tenure_days),
        PlantedSegment::Promising => (rng.random_range(2..4), 0, 120.min(tenure_days)),
        PlantedSegment::AtRisk => (rng.random_range(4..8), 200, tenure_days.max(260)),
        PlantedSegment::Hibernating => (1, 300, tenure_days.max(360)),
        PlantedSegment::New => (rng.random_range(1..3), 0, tenure_days),
    };
    (0..n_orders)
        .map(|_| rng.random_range(newest..oldest.max(newest + 1)))
        .collect()
}

/// Positive, neutral or negative, leaning the way a person of `segment` feels.
fn feeling(rng: &mut Pcg64Mcg, segment: Option<PlantedSegment>) -> SentimentClass {
    let positive_share = match segment {
        Some(PlantedSegment::Champion | PlantedSegment::Loyal) => 65,
        Some(PlantedSegment::AtRisk | PlantedSegment::Hibernating) => 20,
        _ => 40,
    };
    let roll = rng.random_range(0..100);
    if roll < positive_share {
        SentimentClass::Positive
    } else if roll < positive_share + 25 {
        SentimentClass::Neutral
    } else {
        SentimentClass::Negative
    }
}

/// The same address written another way: capitals, a `+tag`, or both.
fn messy_email(rng: &mut Pcg64Mcg, email: &str) -> String {
    let Some((local, domain)) = email.split_once('@') else {
        return email.to_owned();
    };
    match rng.random_range(0..4) {
        0 => format!("{}@{domain}", capitalise_words(local)),
        1 => format!(
            "{local}+{}@{domain}",
            ["promo", "shop", "news"][rng.random_range(0..3)]
        ),
        2 => email.to_uppercase(),
        _ => email.to_owned(),
    }
}

fn capitalise_words(local: &str) -> String {
    local
        .split('.')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A name with one letter dropped or doubled, as typed in a hurry.
fn typo(rng: &mut Pcg64Mcg, name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 4 {
        return name.to_owned();
    }
    let at = rng.random_range(1..chars.len() - 1);
    let mut out: String = chars[..at].iter().collect();
    if rng.random_bool(0.5) {
        out.push(chars[at]);
    }
    out.extend(&chars[at + 1..]);
    out
}

/// `+44 20 123 4567` as dialled at home: `020 123 4567`, or with `00` and no spaces.
fn national_phone(code: u32, number: &str) -> String {
    if code == 1 {
        format!("001{}", number.replace(' ', ""))
    } else {
        format!("0{number}")
    }
}

fn street(rng: &mut Pcg64Mcg) -> String {
    format!(
        "{} {}",
        rng.random_range(1..200),
        [
            "High Street",
            "Rue de la Paix",
            "Hauptstraße",
            "Calle Mayor",
            "Via Roma",
            "Main Street"
        ][rng.random_range(0..6)]
    )
}

fn currency(country: &str) -> &'static str {
    match country {
        "GB" => "GBP",
        "US" => "USD",
        "CA" => "CAD",
        "SE" => "SEK",
        _ => "EUR",
    }
}

fn dialling_code(country: &str) -> u32 {
    match country {
        "GB" => 44,
        "FR" => 33,
        "DE" => 49,
        "ES" => 34,
        "IT" => 39,
        "NL" => 31,
        "SE" => 46,
        "IE" => 353,
        _ => 1,
    }
}

fn ascii(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ë' => Some('e'),
            'á' => Some('a'),
            'í' => Some('i'),
            'ó' => Some('o'),
            'ü' => Some('u'),
            '\'' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect()
}

fn date_text(days_since_epoch: i32) -> String {
    chrono::NaiveDate::from_num_days_from_ce_opt(
        days_since_epoch + crate::table::EPOCH_DAYS_FROM_CE,
    )
    .map_or_else(
        || "1970-01-01".to_owned(),
        |date| date.format("%Y-%m-%d").to_string(),
    )
}

fn csv_row(out: &mut Vec<u8>, delimiter: u8, cells: &[&str]) {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a failure here would be a bug in the csv crate.
    writer.write_record(cells).expect("writing CSV to memory");
    out.extend_from_slice(&writer.into_inner().unwrap_or_default());
}

/// The social handle a customer gave the CRM, if any: about half of those with a handle did
/// (the others are known on social media alone, and only the posts' words tie them to anyone).
/// Chosen by a digit of the postcode rather than a draw, so the demo's other rows stay as they were.
fn crm_handle(person: &Person) -> Option<&str> {
    let handle = person.handle.as_deref()?;
    let digit = person.postcode.bytes().last()?;
    (digit % 2 == 0).then_some(handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ingest, ReadOptions};
    use crate::schema::{detect, Overrides, Role};

    fn company(n_customers: usize) -> DemoCompany {
        CompanyGenerator::new(DemoParams {
            n_customers,
            ..DemoParams::default()
        })
        .finish()
    }

    #[test]
    fn the_same_seed_gives_the_same_company_whatever_the_step_size() {
        let params = DemoParams {
            n_customers: 300,
            ..DemoParams::default()
        };
        let mut stepped = CompanyGenerator::new(params);
        let mut fractions = vec![stepped.fraction_done()];
        while !stepped.is_done() {
            stepped.step(97);
            fractions.push(stepped.fraction_done());
        }
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
        assert_eq!(stepped.finish(), company(300));
    }

    #[test]
    fn every_file_reads_cleanly_with_the_role_it_was_made_for() {
        let company = company(1_000);
        let expected = [
            ("crm_customers.csv", Role::Customers),
            ("orders.csv", Role::Orders),
            ("social_posts.ndjson", Role::Interactions),
            ("product_reviews.json", Role::Interactions),
            ("support_tickets.csv", Role::Interactions),
            ("survey_answers.tsv", Role::Interactions),
            ("web_events.ndjson", Role::Events),
        ];
        assert_eq!(company.files.len(), expected.len());
        for (file, (name, role)) in company.files.iter().zip(expected) {
            assert_eq!(file.name, name);
            let ingested = ingest(
                &file.name,
                std::io::Cursor::new(file.bytes.clone()),
                ReadOptions::default(),
            )
            .unwrap();
            assert_eq!(
                ingested.report.rows_rejected,
                0,
                "{name}: {:?}",
                ingested.report.rejected.first()
            );
            let truth_rows = &company
                .truth
                .row_people
                .iter()
                .find(|(n, _)| n == name)
                .unwrap()
                .1;
            assert_eq!(
                ingested.report.rows_kept as usize,
                truth_rows.len(),
                "{name}"
            );
            let schema = detect(&ingested.table, &Overrides::default());
            assert_eq!(schema.role.role, role, "{name}: {}", schema.role.reason);
        }
    }

    #[test]
    fn sizes_follow_the_brief() {
        let company = company(10_000);
        let rows = |name: &str| {
            company
                .truth
                .row_people
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, r)| r.len())
        };
        let texts: usize = [
            "social_posts.ndjson",
            "product_reviews.json",
            "support_tickets.csv",
            "survey_answers.tsv",
        ]
        .iter()
        .map(|n| rows(n))
        .sum();
        assert!((9_000..11_000).contains(&rows("crm_customers.csv")));
        assert!(
            (40_000..70_000).contains(&rows("orders.csv")),
            "{}",
            rows("orders.csv")
        );
        assert!((25_000..35_000).contains(&texts), "{texts}");
        assert_eq!(rows("web_events.ndjson"), 100_000);
        assert!(!company.truth.influencers.is_empty());
        assert_eq!(company.truth.segments.len(), 10_000);
        assert_eq!(company.truth.households.len(), 10_000);
    }

    /// The CRM rows of each person, parsed: (first, last, email, phone, street, postcode).
    fn crm_rows(company: &DemoCompany) -> Vec<(u32, Vec<String>)> {
        let file = &company.files[0];
        let people = &company.truth.row_people[0].1;
        let mut reader = csv::Reader::from_reader(file.bytes.as_slice());
        reader
            .records()
            .zip(people)
            .filter_map(|(record, person)| {
                let record = record.ok()?;
                Some((
                    person.unwrap_or(u32::MAX),
                    record.iter().map(str::to_owned).collect(),
                ))
            })
            .collect()
    }

    #[test]
    fn people_live_in_households_sharing_an_address_a_landline_and_often_a_last_name() {
        let company = company(3_000);
        let households = &company.truth.households;
        let mut sizes: std::collections::HashMap<u32, usize> = Default::default();
        for household in households {
            *sizes.entry(*household).or_default() += 1;
        }
        let n_shared = households.iter().filter(|h| sizes[h] >= 2).count();
        let share = n_shared as f64 / households.len() as f64;
        assert!((0.25..0.35).contains(&share), "{share}");
        assert!(sizes.values().all(|size| (1..=4).contains(size)));
        // Numbered in the order of their first person.
        let mut next = 0;
        for household in households {
            assert!(*household <= next, "{household} before {next}");
            next = next.max(*household + 1);
        }
        // Columns: customer_id, first, last, email, phone, street, postcode, city, …
        let rows = crm_rows(&company);
        let mut first_row: std::collections::HashMap<u32, &Vec<String>> = Default::default();
        for (person, row) in &rows {
            first_row.entry(*person).or_insert(row);
        }
        let mut members: std::collections::HashMap<u32, Vec<u32>> = Default::default();
        for (person, household) in households.iter().enumerate() {
            members.entry(*household).or_default().push(person as u32);
        }
        let (mut same_address, mut pairs, mut same_phone, mut same_last, mut same_email) =
            (0, 0, 0, 0, 0);
        for people in members.values() {
            let Some((head, others)) = people.split_first() else {
                continue;
            };
            for other in others {
                let (Some(x), Some(y)) = (first_row.get(head), first_row.get(other)) else {
                    continue;
                };
                pairs += 1;
                assert_ne!(x[1], y[1], "one household, one first name: {x:?} {y:?}");
                same_address += usize::from(x[5] == y[5] && x[6] == y[6] && x[7] == y[7]);
                same_phone += usize::from(!x[4].is_empty() && x[4] == y[4]);
                same_last += usize::from(x[2] == y[2]);
                same_email += usize::from(x[3] == y[3]);
            }
        }
        assert!(pairs > 200, "{pairs}");
        assert_eq!(same_address, pairs);
        assert!(
            same_phone * 3 > pairs,
            "{same_phone} of {pairs} share a landline"
        );
        assert!(
            same_last * 10 > pairs * 7,
            "{same_last} of {pairs} share a last name"
        );
        assert!(
            same_email > 0 && same_email * 3 < pairs,
            "{same_email} of {pairs}"
        );
        assert!(rows.iter().any(|(_, row)| row[3].contains(".family")));
    }

    #[test]
    fn names_are_skewed_and_second_records_may_give_a_nickname() {
        let company = company(3_000);
        let rows = crm_rows(&company);
        let mut firsts: std::collections::HashMap<&str, usize> = Default::default();
        for (_, row) in &rows {
            *firsts.entry(row[1].as_str()).or_default() += 1;
        }
        let most = firsts.values().copied().max().unwrap_or(0);
        assert!(
            most * 20 > rows.len(),
            "the most common first name: {most} of {}",
            rows.len()
        );
        assert!(firsts.len() > 100, "{} first names", firsts.len());
        let nicknamed = rows.windows(2).filter(|pair| {
            let ((a, x), (b, y)) = (&pair[0], &pair[1]);
            a == b && x[1] != y[1]
        });
        assert!(nicknamed.count() > 0, "no second record gives a nickname");
    }
}
