//! Reminders: a mail and a bell notice some time before something the person holds
//! happens (a membership renews, a live session starts). Each is sent once: its key
//! names the moment it is about, so a rescheduled session or a new period is
//! reminded of again, and a sweep that runs twice sends nothing twice.

use crate::ids::{ProductId, SubscriptionId};
use crate::live::LiveSchedule;
use crate::subscription::{Interval, Subscription, SubscriptionStatus};

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The furthest ahead any reminder looks: what a sweep asks the store for.
pub const LOOKAHEAD_MS: i64 = 7 * DAY_MS;

/// How long before a renewal its member is told of the charge: a week for a yearly
/// plan (a large sum, seldom expected), three days for a monthly one.
pub fn renewal_notice_ms(interval: Interval) -> i64 {
    match interval {
        Interval::Monthly => 3 * DAY_MS,
        Interval::Yearly => 7 * DAY_MS,
    }
}

/// Which reminder of a live session: the day before, and again within the hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStage {
    Day,
    Hour,
}

/// One reminder, before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    Renewal {
        subscription: SubscriptionId,
        period_end_ms: i64,
    },
    Live {
        product: ProductId,
        starts_at_ms: i64,
        stage: LiveStage,
    },
}

impl Reminder {
    /// What makes it unique: stored when it is sent, so it is sent once.
    pub fn key(&self) -> String {
        match self {
            Reminder::Renewal {
                subscription,
                period_end_ms,
            } => format!("renewal:{subscription}:{period_end_ms}"),
            Reminder::Live {
                product,
                starts_at_ms,
                stage,
            } => {
                let stage = match stage {
                    LiveStage::Day => "day",
                    LiveStage::Hour => "hour",
                };
                format!("live:{product}:{starts_at_ms}:{stage}")
            }
        }
    }
}

/// The reminder due for a subscription at `now_ms`: one that will renew (not
/// cancelled, not failing) within its notice period.
pub fn renewal(s: &Subscription, now_ms: i64) -> Option<Reminder> {
    let left = s.period_end_ms.saturating_sub(now_ms);
    (s.status == SubscriptionStatus::Active && left > 0 && left <= renewal_notice_ms(s.interval))
        .then_some(Reminder::Renewal {
            subscription: s.id,
            period_end_ms: s.period_end_ms,
        })
}

/// The reminder due for a live session at `now_ms`: within the last day before it
/// starts, and again within the last hour (a ticket bought an hour before gets the
/// second only).
pub fn live(schedule: &LiveSchedule, now_ms: i64) -> Option<Reminder> {
    let left = schedule.starts_at_ms.saturating_sub(now_ms);
    let stage = match left {
        l if l <= 0 => return None,
        l if l <= HOUR_MS => LiveStage::Hour,
        l if l <= DAY_MS => LiveStage::Day,
        _ => return None,
    };
    Some(Reminder::Live {
        product: schedule.product_id,
        starts_at_ms: schedule.starts_at_ms,
        stage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;
    use crate::money::{Currency, Money};
    use crate::subscription::MembershipPlan;

    fn subscription(interval: Interval) -> Subscription {
        let plan = MembershipPlan {
            product_id: ProductId::new(),
            interval,
            all_of_creator: true,
            products: Vec::new(),
        };
        let price = Money::new(900, Currency::USD);
        Subscription::start(&plan, AccountId::new(), price, "pm".into(), 0)
    }

    #[test]
    fn a_renewal_is_reminded_of_within_its_notice_only_while_it_will_renew() {
        let s = subscription(Interval::Monthly);
        let end = s.period_end_ms;
        assert_eq!(renewal(&s, end - 4 * DAY_MS), None);
        let due = renewal(&s, end - 2 * DAY_MS);
        assert!(due.is_some());
        // The same period gives the same key, however often it is asked.
        assert_eq!(renewal(&s, end - DAY_MS), due);
        assert_eq!(renewal(&s, end), None);
        let cancelled = s.clone().cancel().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(renewal(&cancelled, end - DAY_MS), None);
        // The next period is a new reminder.
        let next = s.clone().renewed();
        let later = renewal(&next, next.period_end_ms - DAY_MS);
        assert!(later.is_some_and(|r| Some(r.key()) != due.map(|d| d.key())));
        let yearly = subscription(Interval::Yearly);
        assert!(renewal(&yearly, yearly.period_end_ms - 6 * DAY_MS).is_some());
    }

    #[test]
    fn a_live_session_is_reminded_of_the_day_before_and_within_the_hour() {
        let schedule = LiveSchedule {
            product_id: ProductId::new(),
            starts_at_ms: 10 * DAY_MS,
            duration_minutes: 60,
            capacity: None,
            stream_url: "https://live.example/x".into(),
            included_in: None,
        };
        let at = schedule.starts_at_ms;
        assert_eq!(live(&schedule, at - 2 * DAY_MS), None);
        let day = live(&schedule, at - 20 * HOUR_MS).map(|r| r.key());
        let hour = live(&schedule, at - HOUR_MS / 2).map(|r| r.key());
        assert!(day.as_deref().is_some_and(|k| k.ends_with(":day")));
        assert!(hour.as_deref().is_some_and(|k| k.ends_with(":hour")));
        assert_eq!(live(&schedule, at), None);
        let moved = LiveSchedule {
            starts_at_ms: at + DAY_MS,
            ..schedule.clone()
        };
        assert_ne!(live(&moved, at).map(|r| r.key()), day);
    }
}
