//! Time zones: times are shown where the viewer is (their browser says which zone, and
//! a signed-in person's choice is kept with their account), named beside the time.
//!
//! jiff reads the IANA time-zone database bundled into the program, so a zone means the
//! same on every machine, with its daylight-saving rules.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A named IANA time zone ("Asia/Shanghai").
#[derive(Clone, Debug)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

/// A moment as a wall clock in one zone shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallClock {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub hour: i8,
    pub minute: i8,
}

impl Zone {
    /// The zone of this IANA name, if the database knows it.
    pub fn named(name: &str) -> Option<Zone> {
        let name = name.trim();
        if name.is_empty() || name.len() > 64 {
            return None;
        }
        TimeZone::get(name).ok().map(|tz| Zone {
            name: name.to_owned(),
            tz,
        })
    }

    pub fn utc() -> Zone {
        Zone {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// What a clock in this zone reads at `ms` since the epoch.
    pub fn wall_clock(&self, ms: i64) -> Option<WallClock> {
        let at = Timestamp::from_millisecond(ms)
            .ok()?
            .to_zoned(self.tz.clone());
        Some(WallClock {
            year: at.year(),
            month: at.month(),
            day: at.day(),
            hour: at.hour(),
            minute: at.minute(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_follow_the_zone_and_its_daylight_saving() {
        // 2026-07-01 12:00 UTC and 2026-12-01 12:00 UTC.
        let summer = 1_782_907_200_000;
        let winter = 1_796_126_400_000;
        let shanghai = Zone::named("Asia/Shanghai").unwrap();
        assert_eq!(shanghai.wall_clock(summer).unwrap().hour, 20);
        let berlin = Zone::named("Europe/Berlin").unwrap();
        assert_eq!(berlin.wall_clock(summer).unwrap().hour, 14);
        assert_eq!(berlin.wall_clock(winter).unwrap().hour, 13);
        // Late evening in New York is already tomorrow in UTC.
        let new_york = Zone::named("America/New_York").unwrap();
        let evening = new_york.wall_clock(winter + 11 * 3_600_000).unwrap();
        assert_eq!((evening.day, evening.hour), (1, 18));
        assert!(Zone::named("Mars/Olympus").is_none());
        assert!(Zone::named("").is_none());
        assert_eq!(Zone::utc().wall_clock(summer).unwrap().hour, 12);
    }
}
