-- Per-integration settings the receivers read (Grafana's signature_header and timestamp_header
-- today), as one JSON object so later settings need no migration of their own.
ALTER TABLE `integrations` ADD `options` text DEFAULT '{}' NOT NULL;

-- Alerts their sender re-confirms on a schedule (Uptime Kuma's "resend if down") are resolved by the
-- cron once this passes without a further event.
ALTER TABLE `alerts` ADD `expires_at` text;
CREATE INDEX `alerts_expires_idx` ON `alerts` (`expires_at`) WHERE `expires_at` IS NOT NULL;
