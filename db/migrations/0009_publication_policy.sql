-- A publication policy per integration. `publish` (the default, and what every existing
-- integration keeps) publishes at once, or after `publish_after_seconds` of firing; `review` holds
-- its incidents as drafts until an operator publishes them; `status_only` changes components without
-- an incident; `private` records for operators only.
ALTER TABLE `integrations` ADD `publication` text DEFAULT 'publish' NOT NULL;
--> statement-breakpoint
ALTER TABLE `integrations` ADD `publish_after_seconds` integer;
--> statement-breakpoint
-- Only `published` incidents reach the public API, the page, the feeds, the uptime bars and the
-- notifications: `draft` and `pending` wait (an operator, a grace period), `suppressed` (a blip that
-- recovered within its grace period) and `discarded` never show. Existing incidents are published.
ALTER TABLE `incidents` ADD `publication` text DEFAULT 'published' NOT NULL;
--> statement-breakpoint
ALTER TABLE `incidents` ADD `publish_at` text;
--> statement-breakpoint
-- A firing alert counts in its components' public status only when `public`: a held alert (a draft's,
-- a grace period's) waits for its incident to be published; a private one never counts.
ALTER TABLE `alerts` ADD `visibility` text DEFAULT 'public' NOT NULL;
--> statement-breakpoint
CREATE INDEX `incidents_unpublished_idx` ON `incidents` (`publication`,`publish_at`) WHERE "incidents"."publication" != 'published';
