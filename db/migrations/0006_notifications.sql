-- Operator channels, public subscribers, and the notification log (which is also the
-- idempotency record: one row per (event, recipient), its key UNIQUE).
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL CHECK (`kind` IN ('webhook','slack','discord','teams','datadog','email')),
	-- webhook/slack/discord/teams: the URL; datadog: the api_url; email: the address.
	`target` text NOT NULL,
	-- webhook: the `whsec_…` signing secret; datadog: the API key. Never shown after creation.
	`secret` text,
	-- JSON array of component ids; NULL = every component.
	`component_ids` text,
	-- JSON array of event groups ('incident','maintenance','component'); NULL = incident + maintenance.
	`events` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`webhook_url` text,
	`component_ids` text,
	`language` text DEFAULT 'en' NOT NULL,
	`token` text NOT NULL,
	`confirmed_at` text,
	`created_by` text DEFAULT 'public' NOT NULL CHECK (`created_by` IN ('public','operator')),
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_token_unique` ON `subscribers` (`token`);--> statement-breakpoint
CREATE INDEX `subscribers_email_idx` ON `subscribers` (`email`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	-- `<event id>:<recipient id>`: what makes a retry or a redelivery send nothing twice; the webhook-id.
	`idempotency_key` text NOT NULL,
	`event_id` text NOT NULL,
	-- incident.created | incident.updated | incident.resolved | maintenance.scheduled |
	-- maintenance.started | maintenance.updated | maintenance.completed | component.updated | test
	`event_type` text NOT NULL,
	`incident_id` text,
	`component_id` text,
	`recipient_type` text NOT NULL CHECK (`recipient_type` IN ('channel','subscriber')),
	`recipient_id` text NOT NULL,
	-- webhook | slack | discord | teams | datadog | email
	`channel_kind` text NOT NULL,
	-- Where it went, masked (no URL secrets, no full address).
	`target` text NOT NULL,
	-- sending | delivered | retrying | failed
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`http_status` integer,
	-- A claim: no second sender while a send may be in flight.
	`lease_until` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`delivered_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_key_unique` ON `notifications` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `notifications_created_idx` ON `notifications` (`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_status_idx` ON `notifications` (`status`, `created_at`);
