//! The portal's rate limit (a token bucket, as IAM Identity Center's 20 TPS
//! quota behaves) and the measurement of what a client really sent.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// Real (monotonic) time, not the advanceable clock: benchmarks measure real rates.
#[derive(Default)]
pub(crate) struct Throttle {
    tokens: f64,
    last_refill: Option<Instant>,
    /// Arrival times within the last second.
    recent: VecDeque<Instant>,
    pub max_in_window: usize,
}

impl Throttle {
    /// Records one arrival for the sliding 1-second window.
    pub fn arrive(&mut self, now: Instant) {
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        self.max_in_window = self.max_in_window.max(self.recent.len());
    }

    /// Takes a token from a bucket of `tps` capacity refilled at `tps` per second;
    /// false when it is empty. `tps <= 0` admits everything.
    pub fn admit(&mut self, now: Instant, tps: f64) -> bool {
        if tps <= 0.0 {
            return true;
        }
        let capacity = tps.max(1.0);
        self.tokens = match self.last_refill {
            None => capacity,
            Some(last) => {
                (self.tokens + now.duration_since(last).as_secs_f64() * tps).min(capacity)
            }
        };
        self.last_refill = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Throttle;

    #[test]
    fn bucket_admits_a_burst_of_tps_then_refills_at_the_rate() {
        let mut bucket = Throttle::default();
        let t0 = Instant::now();
        let burst = (0..30).filter(|_| bucket.admit(t0, 20.0)).count();
        assert_eq!(burst, 20);
        assert!(!bucket.admit(t0 + Duration::from_millis(10), 20.0));
        // 100 ms at 20/s = 2 tokens
        let later = t0 + Duration::from_millis(110);
        assert_eq!((0..5).filter(|_| bucket.admit(later, 20.0)).count(), 2);
        assert!(bucket.admit(later, 0.0), "0 TPS means unlimited");
    }

    #[test]
    fn window_keeps_the_busiest_second() {
        let mut window = Throttle::default();
        let t0 = Instant::now();
        for ms in [0, 100, 200, 900, 1000, 1950, 3000] {
            window.arrive(t0 + Duration::from_millis(ms));
        }
        // [0, 900] holds 4, and so does [100, 1000] once the arrival at 0 has left
        assert_eq!(window.max_in_window, 4);
    }
}
