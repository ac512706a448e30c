//! The Live view's state on the page: the worker's last update and the alerts seen so far.
//!
//! The worker sends each alert once (in the update after it fired); the page keeps the feed of
//! them, newest first, so an alert stays on screen after the update that carried it. Alerts can
//! also raise a browser notification, once the user allowed them: notifications belong to the
//! page (the Notification API is the window's), so they are raised here, not in the worker.

use std::rc::Rc;

use converge_wasm::protocol::{LiveAlert, LiveUpdate, LiveVerbatim};

/// Alerts the page keeps (the newest).
pub const ALERTS_KEPT: usize = 200;
/// Notifications one update may raise; beyond, one more says how many others fired.
const MAX_NOTIFICATIONS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct LiveBoard {
    pub update: Rc<LiveUpdate>,
    /// Newest first.
    pub alerts: Rc<Vec<LiveAlert>>,
    /// The records last asked for (an alert's evidence), explained.
    pub evidence: Option<Rc<Vec<LiveVerbatim>>>,
}

impl LiveBoard {
    /// The board after `update`: its alerts go on top of those seen before.
    pub fn next(previous: Option<&LiveBoard>, mut update: LiveUpdate) -> LiveBoard {
        let fresh = std::mem::take(&mut update.new_alerts);
        let alerts = match previous {
            Some(previous) if fresh.is_empty() => Rc::clone(&previous.alerts),
            _ => {
                let mut alerts: Vec<LiveAlert> = fresh.into_iter().rev().collect();
                if let Some(previous) = previous {
                    alerts.extend(previous.alerts.iter().cloned());
                }
                alerts.truncate(ALERTS_KEPT);
                Rc::new(alerts)
            }
        };
        LiveBoard {
            update: Rc::new(update),
            alerts,
            evidence: previous.and_then(|previous| previous.evidence.clone()),
        }
    }

    pub fn with_evidence(&self, records: Vec<LiveVerbatim>) -> LiveBoard {
        LiveBoard {
            evidence: Some(Rc::new(records)),
            ..self.clone()
        }
    }
}

/// Raises a browser notification for each new alert (a few at most), if the user allowed them.
pub fn notify(alerts: &[LiveAlert]) {
    if alerts.is_empty() || permission() != Some(web_sys::NotificationPermission::Granted) {
        return;
    }
    for alert in alerts.iter().take(MAX_NOTIFICATIONS) {
        show("Converge alert", &alert.alert.message);
    }
    if alerts.len() > MAX_NOTIFICATIONS {
        show(
            "Converge alerts",
            &format!(
                "{} more alerts fired; see the Live view.",
                alerts.len() - MAX_NOTIFICATIONS
            ),
        );
    }
}

fn show(title: &str, body: &str) {
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    options.set_tag("converge-live");
    // A notification that cannot be shown (the browser refused) changes nothing on the page.
    let _ = web_sys::Notification::new_with_options(title, &options);
}

/// The user's answer about notifications, or `None` where the browser has no Notification API.
pub fn permission() -> Option<web_sys::NotificationPermission> {
    let window = web_sys::window()?;
    let has_api = js_sys::Reflect::has(&window, &"Notification".into()).unwrap_or(false);
    has_api.then(web_sys::Notification::permission)
}

#[cfg(test)]
mod tests {
    use converge_wasm::protocol::{Alert, AlertKind, AlertRules, LiveConnection, LiveCounts};

    use super::*;

    fn update(alerts: &[u64]) -> LiveUpdate {
        LiveUpdate {
            connection: LiveConnection::Off,
            counts: LiveCounts::default(),
            records_per_second: 0.0,
            lag_ms: 0.0,
            last_stream_id: None,
            series: Vec::new(),
            last_minute: Default::default(),
            last_hour: Default::default(),
            last_day: Default::default(),
            breakdowns: Vec::new(),
            role: None,
            new_alerts: alerts
                .iter()
                .map(|&number| LiveAlert {
                    number,
                    alert: Alert {
                        kind: AlertKind::VolumeSpike,
                        at_ms: 0,
                        subject: "all channels".into(),
                        observed: 1.0,
                        expected: 0.0,
                        limit: 0.5,
                        window_ms: 1_000,
                        evidence: vec![1],
                        message: format!("alert {number}"),
                    },
                    customer: None,
                })
                .collect(),
            latest: Vec::new(),
            rules: AlertRules::default(),
            n_known_customers: 0,
            segments_known: false,
            n_rows: 0,
            n_rows_dropped: 0,
        }
    }

    fn numbers(board: &LiveBoard) -> Vec<u64> {
        board.alerts.iter().map(|a| a.number).collect()
    }

    #[test]
    fn alerts_pile_up_newest_first_and_stay_after_their_update() {
        let board = LiveBoard::next(None, update(&[1, 2]));
        assert_eq!(numbers(&board), [2, 1]);
        assert!(board.update.new_alerts.is_empty());
        let board = LiveBoard::next(Some(&board), update(&[]));
        assert_eq!(numbers(&board), [2, 1]);
        let board = LiveBoard::next(Some(&board), update(&[3]));
        assert_eq!(numbers(&board), [3, 2, 1]);
    }

    #[test]
    fn the_feed_keeps_the_newest_alerts() {
        let many: Vec<u64> = (1..=ALERTS_KEPT as u64 + 5).collect();
        let board = LiveBoard::next(None, update(&many));
        assert_eq!(board.alerts.len(), ALERTS_KEPT);
        assert_eq!(board.alerts[0].number, ALERTS_KEPT as u64 + 5);
    }
}
