-- Statuspage's management API and the import. An incident update says whether it is told to
-- subscribers and channels (deliver_notifications; imported history never is), and an import keeps
-- the source's ids, so running it again adds only what is new.
CREATE TABLE `import_mappings` (
	`page` integer DEFAULT 1 NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`source_id` text NOT NULL,
	`local_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`page`, `source`, `kind`, `source_id`)
);
--> statement-breakpoint
CREATE INDEX `import_mappings_local_idx` ON `import_mappings` (`local_id`);--> statement-breakpoint
ALTER TABLE `incident_updates` ADD `deliver_notifications` integer DEFAULT 1 NOT NULL;
