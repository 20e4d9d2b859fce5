-- Incident templates: the operator's words ready before an incident, per page. An operator opens an
-- incident with one; an integration or a link can carry one, so that an alert opens its incident in
-- those words. Deleting a template leaves integrations and links without one.
CREATE TABLE `incident_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`page` integer DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'investigating' NOT NULL,
	`impact` text,
	`components` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incident_templates_page_idx` ON `incident_templates` (`page`);--> statement-breakpoint
CREATE UNIQUE INDEX `incident_templates_page_name_unique` ON `incident_templates` (`page`,`name`);--> statement-breakpoint
ALTER TABLE `integrations` ADD `incident_template_id` text REFERENCES incident_templates(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `links` ADD `incident_template_id` text REFERENCES incident_templates(id) ON DELETE SET NULL;
