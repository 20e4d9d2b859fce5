-- Hardening: server-side admin sessions, counted refusals for unknown keys, what alert text
-- an integration publishes, retention of the logs and the page's frame policy.
CREATE TABLE `admin_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`actor` text NOT NULL,
	`csrf` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE INDEX `admin_sessions_expires_idx` ON `admin_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `refused_deliveries` (
	`hour` text NOT NULL,
	`source` text NOT NULL,
	`key_prefix` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`last_at` text NOT NULL,
	`last_error` text NOT NULL,
	PRIMARY KEY(`hour`, `source`, `key_prefix`)
);
--> statement-breakpoint
ALTER TABLE `integrations` ADD `public_text` text DEFAULT 'summary' NOT NULL;--> statement-breakpoint
ALTER TABLE `integrations` ADD `public_template` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `delivery_retention_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `audit_retention_days` integer DEFAULT 365 NOT NULL;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `allow_framing` integer DEFAULT true NOT NULL;
