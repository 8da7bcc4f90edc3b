CREATE TABLE `leaderboard_history` (
	`snapshot_id` text NOT NULL,
	`category` text NOT NULL,
	`style` integer NOT NULL,
	`model` text NOT NULL,
	`generated_at` integer NOT NULL,
	`rating` real NOT NULL,
	`ci_low` real,
	`ci_high` real,
	`rank` integer NOT NULL,
	`votes` integer NOT NULL,
	PRIMARY KEY(`snapshot_id`, `category`, `style`, `model`)
);
--> statement-breakpoint
CREATE INDEX `leaderboard_history_model_idx` ON `leaderboard_history` (`model`,`category`,`style`,`generated_at`);--> statement-breakpoint
CREATE TABLE `leaderboard_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`generated_at` integer NOT NULL,
	`battles` integer NOT NULL,
	`sha256` text NOT NULL,
	`snapshot_key` text NOT NULL,
	`export_key` text NOT NULL,
	`etag` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `leaderboard_snapshots_generated_idx` ON `leaderboard_snapshots` (`generated_at`);