CREATE TABLE `battle_labels` (
	`battle_id` text NOT NULL,
	`label` text NOT NULL,
	`version` integer NOT NULL,
	`value` integer,
	`detail` text,
	`source` text NOT NULL,
	`labelled_at` integer NOT NULL,
	PRIMARY KEY(`battle_id`, `label`)
);
--> statement-breakpoint
CREATE INDEX `battle_labels_label_idx` ON `battle_labels` (`label`,`version`);--> statement-breakpoint
CREATE TABLE `label_cache` (
	`prompt_hash` text NOT NULL,
	`label` text NOT NULL,
	`version` integer NOT NULL,
	`labeller` text NOT NULL,
	`value` integer,
	`detail` text,
	`output` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`prompt_hash`, `label`, `version`, `labeller`)
);
--> statement-breakpoint
CREATE TABLE `maintenance_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `voter_anomaly` (
	`voter_hash` text PRIMARY KEY NOT NULL,
	`votes` integer NOT NULL,
	`fisher` real NOT NULL,
	`checkpoint` integer NOT NULL,
	`next_at` integer NOT NULL,
	`flagged_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `voter_anomaly_flagged_idx` ON `voter_anomaly` (`flagged_at`);--> statement-breakpoint
CREATE TABLE `voter_daily_votes` (
	`voter_hash` text NOT NULL,
	`day` text NOT NULL,
	`votes` integer NOT NULL,
	PRIMARY KEY(`voter_hash`, `day`)
);
--> statement-breakpoint
CREATE INDEX `voter_daily_votes_day_idx` ON `voter_daily_votes` (`day`);--> statement-breakpoint
ALTER TABLE `battles` ADD `prompt_hash` text;--> statement-breakpoint
ALTER TABLE `battles` ADD `labels_rev` integer;--> statement-breakpoint
ALTER TABLE `battles` ADD `judge_rev` text;--> statement-breakpoint
ALTER TABLE `battles` ADD `judge_requested_at` integer;--> statement-breakpoint
ALTER TABLE `battles` ADD `dedup_high_freq` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `battles` ADD `dedup_sampled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `battles` ADD `changed_at` integer;--> statement-breakpoint
CREATE INDEX `battles_recorded_id_idx` ON `battles` (`recorded_at`,`id`);--> statement-breakpoint
CREATE INDEX `battles_prompt_idx` ON `battles` (`prompt_hash`);--> statement-breakpoint
CREATE INDEX `battles_labels_rev_idx` ON `battles` (`labels_rev`);--> statement-breakpoint
CREATE INDEX `battles_judge_rev_idx` ON `battles` (`judge_rev`,`judge_requested_at`);--> statement-breakpoint
CREATE INDEX `battles_changed_idx` ON `battles` (`changed_at`);--> statement-breakpoint
CREATE INDEX `battles_dedup_idx` ON `battles` (`dedup_high_freq`);