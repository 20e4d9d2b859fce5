-- Several pages per install. page_settings gets one row per page (id 1 is the first page, today's);
-- components, groups, incidents (and maintenances), subscribers and channels say which page they are
-- on, and every existing row is on page 1. A channel with no page listens to every page. Host names
-- map to pages; a page's slug gives it the /p/<slug>/ prefix and <slug>.localhost.
CREATE TABLE `page_hosts` (
	`host` text PRIMARY KEY NOT NULL,
	`page` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`page`) REFERENCES `page_settings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `page_hosts_page_idx` ON `page_hosts` (`page`);--> statement-breakpoint
DROP INDEX `components_slug_unique`;--> statement-breakpoint
ALTER TABLE `components` ADD `page` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `components_page_slug_unique` ON `components` (`page`,`slug`);--> statement-breakpoint
DROP INDEX `subscribers_email_webhook_unique`;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `page` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_page_email_webhook_unique` ON `subscribers` (`page`, `email`, coalesce(`webhook_url`, ''));--> statement-breakpoint
ALTER TABLE `channels` ADD `page` integer DEFAULT 1;--> statement-breakpoint
ALTER TABLE `component_groups` ADD `page` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `component_groups_page_idx` ON `component_groups` (`page`,`position`);--> statement-breakpoint
ALTER TABLE `incidents` ADD `page` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `incidents_page_idx` ON `incidents` (`page`,`kind`,`created_at`);--> statement-breakpoint
ALTER TABLE `page_settings` ADD `slug` text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `position` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `page_settings_slug_unique` ON `page_settings` (`slug`);