CREATE TABLE `model_upstream_keys` (
	`model_id` text PRIMARY KEY NOT NULL,
	`ciphertext` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `provider_api_keys` (
	`prefix` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`salt` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX `provider_api_keys_provider_idx` ON `provider_api_keys` (`provider_id`);--> statement-breakpoint
CREATE TABLE `provider_model_results` (
	`model_id` text NOT NULL,
	`snapshot_id` text NOT NULL,
	`generated_at` integer NOT NULL,
	`document` text NOT NULL,
	PRIMARY KEY(`model_id`, `snapshot_id`)
);
--> statement-breakpoint
CREATE INDEX `provider_model_results_latest_idx` ON `provider_model_results` (`model_id`,`generated_at`);--> statement-breakpoint
CREATE TABLE `providers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `providers_name_unique` ON `providers` (`name`);--> statement-breakpoint
ALTER TABLE `models` ADD `owner_id` text;--> statement-breakpoint
ALTER TABLE `models` ADD `family` text;--> statement-breakpoint
ALTER TABLE `models` ADD `testing_started_at` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `released_at` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `deprecated_at` integer;--> statement-breakpoint
ALTER TABLE `models` ADD `deprecation_reason` text;--> statement-breakpoint
CREATE INDEX `models_owner_idx` ON `models` (`owner_id`);--> statement-breakpoint
-- Hand-added backfill: lifecycle timestamps of the models that existed before this migration.
UPDATE `models` SET `released_at` = `created_at` WHERE `visibility` = 'public';--> statement-breakpoint
UPDATE `models` SET `testing_started_at` = `created_at` WHERE `visibility` = 'private';--> statement-breakpoint
UPDATE `models` SET `deprecated_at` = `updated_at` WHERE `status` = 'deprecated';--> statement-breakpoint
UPDATE `models` SET `paused_at` = `updated_at` WHERE `status` = 'paused';
