-- Each page's own wording and publication policy for the incidents alerts open on it; null: the integration's.
ALTER TABLE `page_settings` ADD `public_text` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `public_template` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `publication` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `publish_after_seconds` integer;
