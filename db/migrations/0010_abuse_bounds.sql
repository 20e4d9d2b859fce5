-- What strangers can make the worker store is bounded. Failed sign-ins, wrong tokens and
-- passwords are counted per hour, kind and client (no row per attempt); the cron prunes them with the
-- delivery log. A webhook subscriber failing every delivery for a day is disabled, and its owner told.
CREATE TABLE `failed_attempts` (
	`hour` text NOT NULL,
	`kind` text NOT NULL,
	`client` text NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`refused` integer DEFAULT 0 NOT NULL,
	`last_at` text NOT NULL,
	PRIMARY KEY(`hour`, `kind`, `client`)
);
--> statement-breakpoint
ALTER TABLE `subscribers` ADD `failing_since` text;
--> statement-breakpoint
ALTER TABLE `subscribers` ADD `disabled_at` text;
