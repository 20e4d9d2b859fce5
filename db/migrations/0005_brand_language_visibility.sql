-- The page's default language, its brand, and who may read it.
ALTER TABLE `page_settings` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `logo_url` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `favicon_url` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `brand_color` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `header_links` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `support_url` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `footer_text` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `visibility` text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `page_password_hash` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `access_secret` text;
