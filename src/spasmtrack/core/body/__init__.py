"""The body: region vocabulary (`regions`), muscles and their trigger points (`muscles`),
referred-pain patterns (`referral`), the drawn body map (`bodymap`) and trigger-point
history (`trigger_points`)."""
