-- Postmortems: a resolved incident's write-up (Markdown), drafted, then published. Statuspage's
-- fields: the body, when it was last edited, when it was published, and whether subscribers were told.
ALTER TABLE `incidents` ADD `postmortem_body` text;
--> statement-breakpoint
ALTER TABLE `incidents` ADD `postmortem_body_updated_at` text;
--> statement-breakpoint
ALTER TABLE `incidents` ADD `postmortem_published_at` text;
--> statement-breakpoint
ALTER TABLE `incidents` ADD `postmortem_notified_at` text;
--> statement-breakpoint
-- A maintenance's reminder, in minutes before it starts (null: the page's setting; 0: none).
ALTER TABLE `incidents` ADD `remind_minutes` integer;
--> statement-breakpoint
-- The recurring rule an occurrence was made by (null: scheduled by hand). No foreign key: occurrences
-- outlive their rule. The unique index makes the cron's creation of an occurrence idempotent.
ALTER TABLE `incidents` ADD `rule_id` text;
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_rule_occurrence_unique` ON `incidents` (`rule_id`,`scheduled_for`) WHERE "incidents"."rule_id" IS NOT NULL;
--> statement-breakpoint
-- The page's default reminder before a maintenance starts, in minutes (0: none).
ALTER TABLE `page_settings` ADD `maintenance_remind_minutes` integer DEFAULT 60 NOT NULL;
--> statement-breakpoint
-- Recurring maintenance: weekly on given days at a time in the page's time zone, or every N days,
-- for a duration, until an end date. The cron creates each occurrence ahead of time.
CREATE TABLE `maintenance_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`page` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`body` text,
	`component_ids` text NOT NULL,
	`frequency` text NOT NULL,
	`weekdays` text DEFAULT '[]' NOT NULL,
	`interval_days` integer,
	`start_time` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`duration_minutes` integer NOT NULL,
	`remind_minutes` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `maintenance_rules_page_idx` ON `maintenance_rules` (`page`);
--> statement-breakpoint
-- Notifications that are not an incident update: a maintenance's reminder, a postmortem published.
-- Written in the batch that decides them; the Ingestor's outbox reads them past its cursor, and the
-- unique index makes each one happen once per incident, whatever runs twice.
CREATE TABLE `incident_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page` integer DEFAULT 1 NOT NULL,
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incident_notices_unique` ON `incident_notices` (`incident_id`,`kind`);
--> statement-breakpoint
CREATE INDEX `incident_notices_page_idx` ON `incident_notices` (`page`);
