CREATE TABLE `battles` (
	`id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`anony` integer NOT NULL,
	`model_a` text NOT NULL,
	`model_b` text NOT NULL,
	`winner` text NOT NULL,
	`voter_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`voted_at` integer NOT NULL,
	`turns` integer NOT NULL,
	`user_tokens` integer NOT NULL,
	`tokens_a` integer NOT NULL,
	`tokens_b` integer NOT NULL,
	`header_count_a` text NOT NULL,
	`header_count_b` text NOT NULL,
	`list_count_a` text NOT NULL,
	`list_count_b` text NOT NULL,
	`bold_count_a` text NOT NULL,
	`bold_count_b` text NOT NULL,
	`language` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`excluded_reason` text,
	`sampling_probability` real,
	`consent` integer DEFAULT false NOT NULL,
	`transcript_key` text,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `battles_voted_at_idx` ON `battles` (`voted_at`);--> statement-breakpoint
CREATE INDEX `battles_voter_idx` ON `battles` (`voter_hash`,`voted_at`);--> statement-breakpoint
CREATE INDEX `battles_models_idx` ON `battles` (`model_a`,`model_b`);--> statement-breakpoint
CREATE TABLE `chat_feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_id` text NOT NULL,
	`model` text NOT NULL,
	`kind` text NOT NULL,
	`voter_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_feedback_chat_idx` ON `chat_feedback` (`chat_id`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`reason` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`organization` text NOT NULL,
	`license` text DEFAULT 'proprietary' NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`provider` text NOT NULL,
	`base_url` text,
	`upstream_model` text NOT NULL,
	`api_key_secret` text,
	`sampling_weight` real DEFAULT 1 NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`codename` text,
	`status` text DEFAULT 'active' NOT NULL,
	`modes` text DEFAULT '["battle","side-by-side","chat"]' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `models_status_idx` ON `models` (`status`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`battle_id` text NOT NULL,
	`reason` text NOT NULL,
	`voter_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reports_battle_idx` ON `reports` (`battle_id`);