CREATE TABLE `alert_components` (
	`alert_id` text NOT NULL,
	`component_id` text NOT NULL,
	`status` text,
	PRIMARY KEY(`alert_id`, `component_id`),
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_components_component_idx` ON `alert_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`dedup_key` text NOT NULL,
	`status` text NOT NULL,
	`severity` text NOT NULL,
	`summary` text NOT NULL,
	`details` text,
	`monitor_id` text,
	`monitor_name` text,
	`tags` text NOT NULL,
	`link` text,
	`incident_id` text,
	`first_triggered_at` text,
	`last_event_at` text NOT NULL,
	`last_action` text NOT NULL,
	`acknowledged_at` text,
	`resolved_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_integration_dedup_unique` ON `alerts` (`integration_id`,`dedup_key`);--> statement-breakpoint
CREATE INDEX `alerts_incident_idx` ON `alerts` (`incident_id`);--> statement-breakpoint
CREATE INDEX `alerts_status_idx` ON `alerts` (`status`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `component_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `component_status_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`component_id` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `status_changes_component_at_idx` ON `component_status_changes` (`component_id`,`at`);--> statement-breakpoint
CREATE TABLE `components` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`group_id` text,
	`position` integer DEFAULT 0 NOT NULL,
	`showcase` integer DEFAULT true NOT NULL,
	`only_show_if_degraded` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'operational' NOT NULL,
	`auto_status` text DEFAULT 'operational' NOT NULL,
	`override_status` text,
	`in_maintenance` integer DEFAULT false NOT NULL,
	`start_date` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `component_groups`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `components_slug_unique` ON `components` (`slug`);--> statement-breakpoint
CREATE INDEX `components_group_idx` ON `components` (`group_id`,`position`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text,
	`source` text NOT NULL,
	`received_at` text NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer NOT NULL,
	`event_count` integer DEFAULT 0 NOT NULL,
	`summary` text,
	`error` text,
	`payload` text
);
--> statement-breakpoint
CREATE INDEX `deliveries_received_idx` ON `deliveries` (`received_at`);--> statement-breakpoint
CREATE INDEX `deliveries_integration_idx` ON `deliveries` (`integration_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `incident_components` (
	`incident_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`incident_id`, `component_id`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_components_component_idx` ON `incident_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `incident_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`affected_components` text,
	`created_at` text NOT NULL,
	`display_at` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_updates_incident_idx` ON `incident_updates` (`incident_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text DEFAULT 'incident' NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`impact` text NOT NULL,
	`automatic` integer DEFAULT true NOT NULL,
	`shortlink` text,
	`started_at` text NOT NULL,
	`monitoring_at` text,
	`resolved_at` text,
	`scheduled_for` text,
	`scheduled_until` text,
	`last_alert_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_open_idx` ON `incidents` (`kind`,`resolved_at`);--> statement-breakpoint
CREATE INDEX `incidents_created_idx` ON `incidents` (`created_at`);--> statement-breakpoint
CREATE TABLE `integration_components` (
	`integration_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`integration_id`, `component_id`),
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`signing_secret` text,
	`disabled` integer DEFAULT false NOT NULL,
	`expected_interval_minutes` integer,
	`last_delivery_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_key_hash_unique` ON `integrations` (`key_hash`);--> statement-breakpoint
CREATE TABLE `link_components` (
	`link_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`link_id`, `component_id`),
	FOREIGN KEY (`link_id`) REFERENCES `links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `link_components_component_idx` ON `link_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `links` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`match_type` text NOT NULL,
	`match_key` text NOT NULL,
	`match_value` text,
	`status` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `links_integration_idx` ON `links` (`integration_id`);--> statement-breakpoint
CREATE TABLE `page_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`url` text DEFAULT '' NOT NULL,
	`time_zone` text DEFAULT 'Etc/UTC' NOT NULL,
	`auto_resolve_minutes` integer,
	`updated_at` text NOT NULL
);
