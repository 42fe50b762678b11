"""Haven: a National Referral Mechanism in software."""
