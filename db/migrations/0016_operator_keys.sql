-- Operator keys limited to pages, Access identities limited to pages, and one alert row per page it
-- reaches (so each page opens its own incident for it, and dedups and damps flapping on its own).
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`pages` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `operator_pages` (
	`identity` text PRIMARY KEY NOT NULL,
	`pages` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
DROP INDEX `alerts_integration_dedup_unique`;--> statement-breakpoint
ALTER TABLE `alerts` ADD `page` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_integration_dedup_page_unique` ON `alerts` (`integration_id`,`dedup_key`,`page`);
